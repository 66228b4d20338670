import { z } from 'zod';
import { Upstream } from '../errors';
import { VCD_API_VERSION } from './client';

const OrgPageSchema = z.object({ values: z.array(z.object({ id: z.string(), name: z.string() })).default([]) });

/**
 * vCD orgs by name (`GET /cloudapi/1.0.0/orgs?filter=name==<org>`) with the caller's session, so vCD decides what
 * the caller may see. Answers the org's URN, or undefined when that session sees no such org.
 */
export function createVcdOrgDirectory(options: { vcdUrl: string; timeoutMs?: number }) {
  const base = options.vcdUrl.replace(/\/+$/, '');
  return {
    async orgUuid(orgName: string, token: string): Promise<string | undefined> {
      const url = `${base}/cloudapi/1.0.0/orgs?filter=${encodeURIComponent(`name==${orgName}`)}&pageSize=128`;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { Accept: `application/json;version=${VCD_API_VERSION}`, Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new Upstream(`vCD is not reachable to look up organization "${orgName}" (${(err as Error).message})`, 'vcd');
      }
      if (!res.ok) {
        await res.body?.cancel();
        if (res.status === 401 || res.status === 403 || res.status === 404) return undefined;
        throw new Upstream(`vCD answered ${res.status} when looking up organization "${orgName}"`, 'vcd');
      }
      const page = OrgPageSchema.safeParse(await res.json().catch(() => undefined));
      if (!page.success) throw new Upstream('vCD answered the org list with an unexpected body', 'vcd');
      return page.data.values.find((o) => o.name.toLowerCase() === orgName.toLowerCase())?.id;
    },
  };
}
