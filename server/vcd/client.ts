import { z } from 'zod';
import { Upstream } from '../errors';

/** vCD's API version this backend speaks (cloudapi). */
export const VCD_API_VERSION = '37.0';

/** GET /cloudapi/1.0.0/sessions/current (VCD-WIRE §2); only the fields we use are required. */
export const VcdSessionSchema = z.object({
  id: z.string().optional(),
  user: z.object({ name: z.string(), id: z.string() }),
  org: z.object({ name: z.string(), id: z.string() }),
  roles: z.array(z.string()).default([]),
  sessionIdleTimeoutMinutes: z.number().optional(),
});
export type VcdSession = z.infer<typeof VcdSessionSchema>;

/** The port features depend on; server/vcd/ alone speaks vCD's REST (STYLE). */
export interface VcdClient {
  /** The session behind a token, or null when vCD says it is wrong or expired; a legacy token goes in x-vcloud-authorization. */
  currentSession(token: string, scheme?: 'bearer' | 'legacy'): Promise<VcdSession | null>;
}

export function createVcdClient(options: { vcdUrl: string; timeoutMs?: number }): VcdClient {
  const base = options.vcdUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async currentSession(token, scheme = 'bearer') {
      const credential: Record<string, string> =
        scheme === 'legacy' ? { 'x-vcloud-authorization': token } : { Authorization: `Bearer ${token}` };
      let res: Response;
      try {
        res = await fetch(`${base}/cloudapi/1.0.0/sessions/current`, {
          headers: { Accept: `application/json;version=${VCD_API_VERSION}`, ...credential },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Upstream(`vCD is not reachable to validate the session (${(err as Error).message})`, 'vcd');
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Upstream(`vCD answered ${res.status} when validating the session`, 'vcd');
      }
      const parsed = VcdSessionSchema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new Upstream('vCD answered sessions/current with an unexpected body', 'vcd');
      return parsed.data;
    },
  };
}
