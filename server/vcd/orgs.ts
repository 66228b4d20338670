import { z } from 'zod';
import { Upstream } from '../errors';
import { VCD_API_VERSION } from './client';

const OrgPageSchema = z.object({
  values: z.array(z.object({ id: z.string(), name: z.string(), displayName: z.string().optional() })).default([]),
  pageCount: z.number().int().optional(),
});

/** An org as vCD lists it. */
export interface VcdOrg {
  id: string;
  name: string;
  displayName: string;
}

/** Pages of 128; a provider with more orgs than this many pages is not one vCD supports. */
const MAX_PAGES = 100;

/**
 * vCD orgs by name (`GET /cloudapi/1.0.0/orgs?filter=name==<org>`) with the caller's session, so vCD decides what
 * the caller may see. Answers the org's URN, or undefined when that session sees no such org.
 */
export function createVcdOrgDirectory(options: { vcdUrl: string; timeoutMs?: number }) {
  const base = options.vcdUrl.replace(/\/+$/, '');
  const get = async (path: string, token: string, what: string): Promise<z.infer<typeof OrgPageSchema> | undefined> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        headers: { Accept: `application/json;version=${VCD_API_VERSION}`, Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new Upstream(`vCD is not reachable to ${what} (${(err as Error).message})`, 'vcd');
    }
    if (!res.ok) {
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403 || res.status === 404) return undefined;
      throw new Upstream(`vCD answered ${res.status} when asked to ${what}`, 'vcd');
    }
    const page = OrgPageSchema.safeParse(await res.json().catch(() => undefined));
    if (!page.success) throw new Upstream('vCD answered the org list with an unexpected body', 'vcd');
    return page.data;
  };
  return {
    async orgUuid(orgName: string, token: string): Promise<string | undefined> {
      const path = `/cloudapi/1.0.0/orgs?filter=${encodeURIComponent(`name==${orgName}`)}&pageSize=128`;
      const page = await get(path, token, `look up organization "${orgName}"`);
      return page?.values.find((o) => o.name.toLowerCase() === orgName.toLowerCase())?.id;
    },

    /** Every org the session sees (the provider: all of them), page by page, by name. */
    async list(token: string): Promise<VcdOrg[]> {
      const orgs: VcdOrg[] = [];
      for (let page = 1, pages = 1; page <= Math.min(pages, MAX_PAGES); page++) {
        const answer = await get(`/cloudapi/1.0.0/orgs?page=${page}&pageSize=128`, token, 'list the organizations');
        if (!answer) break;
        orgs.push(...answer.values.map((o) => ({ id: o.id, name: o.name, displayName: o.displayName || o.name })));
        pages = answer.pageCount ?? 1;
      }
      return orgs.sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
