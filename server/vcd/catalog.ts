/**
 * What the autoscale wizard may pick: the org's vApps, vApp templates and NSX-T edge gateways, read through vCD's
 * query service (`/api/query?type=…&format=records`) and cloudapi with the caller's own session.
 * A provider session sees every org, so each list is narrowed to the named org (vDCs by `orgName`, edges by `orgRef`).
 */

type Json = Record<string, any>;
/** GET with the caller's token; null when vCD hides or does not know the resource. */
export type VcdGet = (token: string, path: string, legacy: boolean) => Promise<unknown | null>;

export interface VcdVAppSummary {
  id: string;
  name: string;
  status: string;
  vmCount: number;
  vdcName: string;
}
export interface VcdTemplateSummary {
  id: string;
  name: string;
  vmCount: number;
  catalogName: string;
}
export interface VcdEdgeSummary {
  id: string;
  name: string;
  vdcName: string;
}

export interface VcdCatalog {
  listVApps(token: string, org: string): Promise<VcdVAppSummary[]>;
  listTemplates(token: string, org: string): Promise<VcdTemplateSummary[]>;
  listEdgeGateways(token: string, org: string): Promise<VcdEdgeSummary[]>;
}

/** Pages vCD's query service walks at most (128 records each) — far beyond what a picker should show. */
const MAX_PAGES = 8;
const uuidIn = (href: unknown, prefix: string): string => {
  const m = new RegExp(`/${prefix}-?([0-9a-f-]{36})$`, 'i').exec(String(href ?? ''));
  return m ? m[1].toLowerCase() : '';
};
const vdcUuid = (href: unknown) => /\/api\/vdc\/([0-9a-f-]{36})$/i.exec(String(href ?? ''))?.[1].toLowerCase() ?? '';
const sameOrg = (a: unknown, b: string) => String(a ?? '').toLowerCase() === b.toLowerCase();

async function query(get: VcdGet, token: string, type: string, filter?: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const params = new URLSearchParams({ type, format: 'records', page: String(page), pageSize: '128', sortAsc: 'name' });
    if (filter) params.set('filter', filter);
    const body = (await get(token, `/api/query?${params}`, true)) as Json | null;
    const records: Json[] = body?.record ?? [];
    out.push(...records);
    if (!body || !(body.link ?? []).some((l: Json) => l.rel === 'nextPage')) break;
  }
  return out;
}

/** The uuids of the org's vDCs: what keeps a provider session's lists inside the named org. */
async function vdcsOf(get: VcdGet, token: string, org: string): Promise<Set<string>> {
  const vdcs = await query(get, token, 'orgVdc');
  return new Set(vdcs.filter((d) => sameOrg(d.orgName, org)).map((d) => vdcUuid(d.href)));
}

/** How many VMs each vApp template holds, by the template's uuid. */
function vmCountsByTemplate(vms: Json[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const vm of vms) {
    const key = uuidIn(vm.container, 'vappTemplate');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function listEdgeGateways(get: VcdGet, token: string, org: string): Promise<VcdEdgeSummary[]> {
  const out: VcdEdgeSummary[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = (await get(token, `/cloudapi/1.0.0/edgeGateways?page=${page}&pageSize=128&sortAsc=name`, false)) as Json | null;
    const values: Json[] = body?.values ?? [];
    for (const e of values) {
      if (sameOrg(e.orgRef?.name, org)) out.push({ id: String(e.id), name: String(e.name), vdcName: String(e.orgVdc?.name ?? e.ownerRef?.name ?? '') });
    }
    if (!body || page >= Number(body.pageCount ?? 1)) break;
  }
  return out;
}

export function createVcdCatalog(get: VcdGet): VcdCatalog {
  return {
    async listVApps(token, org) {
      const [records, vdcs] = await Promise.all([query(get, token, 'vApp'), vdcsOf(get, token, org)]);
      return records
        .filter((r) => vdcs.has(vdcUuid(r.vdc)))
        .map((r) => ({
          id: `urn:vcloud:vapp:${uuidIn(r.href, 'vapp')}`,
          name: String(r.name),
          status: String(r.status ?? ''),
          vmCount: Number(r.numberOfVMs ?? 0),
          vdcName: String(r.vdcName ?? ''),
        }));
    },
    async listTemplates(token, org) {
      const [records, vms, vdcs] = await Promise.all([
        query(get, token, 'vAppTemplate'),
        query(get, token, 'vm', 'isVAppTemplate==true'),
        vdcsOf(get, token, org),
      ]);
      const counts = vmCountsByTemplate(vms);
      return records
        .filter((r) => vdcs.has(vdcUuid(r.vdc)))
        .map((r) => {
          const uuid = uuidIn(r.href, 'vappTemplate');
          return { id: `urn:vcloud:vapptemplate:${uuid}`, name: String(r.name), vmCount: counts.get(uuid) ?? 0, catalogName: String(r.catalogName ?? '') };
        });
    },
    listEdgeGateways: (token, org) => listEdgeGateways(get, token, org),
  };
}
