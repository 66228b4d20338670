import { Upstream } from '../errors';
import { VCD_API_VERSION } from './client';

/**
 * What showback's vCD usage collector reads: an org's VMs (vCPU, memory, power state) and vApps (allocated storage)
 * through vCD's query service (`adminVM`, `adminVApp`, format=records), with a service account's session. The admin
 * views name the owning org (`org` = its href), so a provider session is filtered to one org server-side and again
 * here: a record of another org never leaves this module.
 */

export interface VcdVmRecord {
  id: string;
  name: string;
  vappId: string;
  vappName: string;
  poweredOn: boolean;
  cpus: number;
  memoryMb: number;
}
export interface VcdVAppRecord {
  id: string;
  name: string;
  storageMb: number;
}
export interface VcdOrgUsage {
  vms: VcdVmRecord[];
  vapps: VcdVAppRecord[];
}

export interface VcdUsageReader {
  /** The org's VMs and vApps now; null when the token expired (log in again). Throws Upstream when vCD fails. */
  orgUsage(token: string, orgName: string): Promise<VcdOrgUsage | null>;
}

type Json = Record<string, any>;
const PAGE_SIZE = 128;
/** A runaway listing stops here (128 × 200 records). */
const MAX_PAGES = 200;

const uuidOfHref = (href: string) => href.slice(href.lastIndexOf('/') + 1).replace(/^(vapp|vm)-/i, '');

/** An `adminVApp` query record as showback reads it. */
function vappOfRecord(r: Json) {
  return { id: `urn:vcloud:vapp:${uuidOfHref(String(r.href))}`, name: String(r.name ?? ''), storageMb: Number(r.totalStorageAllocatedMb ?? 0) || 0 };
}

/** An `adminVM` query record as showback reads it. */
function vmOfRecord(r: Json) {
  return {
    id: `urn:vcloud:vm:${uuidOfHref(String(r.href))}`,
    name: String(r.name ?? ''),
    vappId: r.container ? `urn:vcloud:vapp:${uuidOfHref(String(r.container))}` : '',
    vappName: String(r.containerName ?? ''),
    poweredOn: r.status === 'POWERED_ON',
    cpus: Number(r.numberOfCpus ?? 0) || 0,
    memoryMb: Number(r.memoryMB ?? 0) || 0,
  };
}

/** vCD's answer 401: the service account's session expired (the reader answers null, the caller logs in again). */
class Expired extends Error {}

interface Conn {
  base: string;
  timeoutMs: number;
}

const accept = (legacy: boolean) => `application/${legacy ? '*+json' : 'json'};version=${VCD_API_VERSION}`;

/** GET as the service account: 401 means the session expired (Expired), any other failure is Upstream. */
async function get(conn: Conn, token: string, path: string, legacy: boolean): Promise<Json> {
  const what = path.split('?')[0];
  const init = { headers: { Accept: accept(legacy), Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(conn.timeoutMs) };
  const res = await fetch(conn.base + path, init).catch((err: Error) => {
    throw new Upstream(`vCD is not reachable (${err.message})`, 'vcd');
  });
  if (!res.ok) await res.body?.cancel();
  if (res.status === 401) throw new Expired();
  if (!res.ok) throw new Upstream(`vCD answered ${res.status} for ${what}`, 'vcd');
  return (await res.json().catch(() => {
    throw new Upstream(`vCD answered ${what} with a body that is not JSON`, 'vcd');
  })) as Json;
}

/** Every record of a query type matching the FIQL filter, page by page. */
async function query(conn: Conn, token: string, type: string, filter: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const q = new URLSearchParams({ type, format: 'records', page: String(page), pageSize: String(PAGE_SIZE), filter });
    const body = await get(conn, token, `/api/query?${q}`, true);
    const records = Array.isArray(body.record) ? body.record : [];
    out.push(...records);
    if (records.length < PAGE_SIZE || out.length >= Number(body.total ?? 0)) return out;
  }
  throw new Upstream(`vCD listed more than ${MAX_PAGES * PAGE_SIZE} ${type} records`, 'vcd');
}

async function orgHref(conn: Conn, token: string, orgName: string): Promise<string | null> {
  const q = new URLSearchParams({ filter: `name==${orgName}`, pageSize: String(PAGE_SIZE) });
  const body = await get(conn, token, `/cloudapi/1.0.0/orgs?${q}`, false);
  const org = (Array.isArray(body.values) ? body.values : []).find((o: Json) => String(o.name).toLowerCase() === orgName.toLowerCase());
  return org ? `${conn.base}/api/org/${String(org.id).slice(String(org.id).lastIndexOf(':') + 1)}` : null;
}

export function createVcdUsageReader(options: { vcdUrl: string; timeoutMs?: number }): VcdUsageReader {
  const conn: Conn = { base: options.vcdUrl.replace(/\/+$/, ''), timeoutMs: options.timeoutMs ?? 15_000 };
  return {
    async orgUsage(token, orgName) {
      try {
        const href = await orgHref(conn, token, orgName);
        if (!href) throw new Upstream(`the showback vCD account cannot see the organization "${orgName}"`, 'vcd');
        // vCD answers hrefs under its public address, which may differ from ours: compare by the org's uuid.
        const orgUuid = uuidOfHref(href);
        const sameOrg = (r: Json) => uuidOfHref(String(r.org ?? '')) === orgUuid;
        const [vmRecords, vappRecords] = await Promise.all([
          query(conn, token, 'adminVM', `isVAppTemplate==false;org==${href}`),
          query(conn, token, 'adminVApp', `org==${href}`),
        ]);
        const vapps = vappRecords.filter(sameOrg).map(vappOfRecord);
        const vms = vmRecords.filter((r) => sameOrg(r) && r.isVAppTemplate !== true && r.isDeleted !== true).map(vmOfRecord);
        return { vms, vapps };
      } catch (err) {
        if (err instanceof Expired) return null;
        throw err;
      }
    },
  };
}

/**
 * The usage of an org read with a service account (user@org:password; administrator@System sees every org): logs in
 * on first use and again when vCD says the session expired.
 */
export function createServiceAccountUsage(options: {
  reader: VcdUsageReader;
  login: () => Promise<string>;
}): { snapshot(orgName: string): Promise<VcdOrgUsage> } {
  let token: Promise<string> | undefined;
  const session = () => {
    token ??= options.login().catch((err: unknown) => {
      token = undefined;
      throw err;
    });
    return token;
  };
  return {
    async snapshot(orgName) {
      const first = await options.reader.orgUsage(await session(), orgName);
      if (first) return first;
      token = undefined;
      const again = await options.reader.orgUsage(await session(), orgName);
      if (!again) throw new Upstream('vCD refused the showback service account session', 'vcd');
      return again;
    },
  };
}
