import { Upstream } from '../errors';

/**
 * The provider's vROps through its own suite-api (docs/vrops-suite-api.md): a token acquired with the configured
 * account, sent as `Authorization: vRealizeOpsToken <token>`, acquired again when vROps answers 401 (expired after
 * 6 hours without a call). Only this module speaks vROps's REST.
 */
export interface SuiteApiOptions {
  url: string;
  username: string;
  password: string;
  /** The auth source of an LDAP/vIDM account; absent = local user. */
  authSource?: string;
  timeoutMs?: number;
}

export interface SuiteApiGroup {
  id: string;
  name: string;
  /** Static members: the VM resource ids of membershipDefinition.includedResources. */
  members: string[];
}

interface WireGroup {
  id: string;
  resourceKey: { name: string };
  membershipDefinition?: { includedResources?: string[] };
}
interface WireResource {
  identifier: string;
  resourceKey: { name: string };
}

const toGroup = (g: WireGroup): SuiteApiGroup => ({ id: g.id, name: g.resourceKey.name, members: g.membershipDefinition?.includedResources ?? [] });

/** The suite-api session: a token acquired on first use and again after a 401, each call bounded by the timeout. */
function suiteApiClient(options: SuiteApiOptions) {
  const base = `${options.url.replace(/\/+$/, '')}/suite-api/api`;
  let token: Promise<string> | null = null;

  const acquire = async (): Promise<string> => {
    const body = { username: options.username, password: options.password, ...(options.authSource ? { authSource: options.authSource } : {}) };
    const res = await send('/auth/token/acquire', { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Upstream(`vROps refused the configured account (${res.status})`, 'vrops');
    return ((await res.json()) as { token: string }).token;
  };

  function send(path: string, init: RequestInit & { auth?: string }): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
    if (init.auth) headers.Authorization = `vRealizeOpsToken ${init.auth}`;
    return fetch(base + path, { ...init, headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) }).catch((err: Error) => {
      throw new Upstream(`vROps unreachable: ${err.message}`, 'vrops');
    });
  }

  /** One call with the cached token; a 401 acquires a new one and tries once more. */
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      token ??= acquire().catch((err) => {
        token = null;
        throw err;
      });
      const res = await send(path, { ...init, auth: await token });
      if (res.status !== 401 || attempt > 0) return res;
      await res.body?.cancel();
      token = null;
    }
  }

  async function json<T>(path: string, init: RequestInit = {}, allow404 = false): Promise<T | null> {
    const res = await call(path, init);
    if (allow404 && res.status === 404) return (await res.body?.cancel(), null);
    if (!res.ok) throw new Upstream(`vROps answered ${res.status} to ${init.method ?? 'GET'} ${path}`, 'vrops');
    return res.status === 204 ? null : ((await res.json()) as T);
  }

  return { call, json };
}

export function createSuiteApi(options: SuiteApiOptions) {
  const { call, json } = suiteApiClient(options);
  const relationship = (method: 'POST' | 'PUT') => async (groupId: string, resourceIds: string[]) => {
    await json(`/resources/${encodeURIComponent(groupId)}/relationships/children`, { method, body: JSON.stringify({ uuids: resourceIds }) });
  };

  return {
    async groups(): Promise<SuiteApiGroup[]> {
      return ((await json<{ groups?: WireGroup[] }>('/resources/groups'))?.groups ?? []).map(toGroup);
    },
    async createGroup(name: string): Promise<SuiteApiGroup | 'exists'> {
      const body = { resourceKey: { name, adapterKindKey: 'Container', resourceKindKey: 'Environment' }, autoResolveMembership: false, membershipDefinition: { includedResources: [] } };
      const res = await call('/resources/groups', { method: 'POST', body: JSON.stringify(body) });
      if (res.status === 409) return (await res.body?.cancel(), 'exists');
      if (!res.ok) throw new Upstream(`vROps answered ${res.status} creating a custom group`, 'vrops');
      return toGroup((await res.json()) as WireGroup);
    },
    async group(id: string): Promise<SuiteApiGroup | null> {
      const g = await json<WireGroup>(`/resources/groups/${encodeURIComponent(id)}`, {}, true);
      return g && toGroup(g);
    },
    /** vROps's resource id of a vCD VM: vSphere names it `<name> (<vCD uuid>)`. */
    async vmResourceId(vmUuid: string): Promise<string | null> {
      const q = new URLSearchParams({ resourceKind: 'VirtualMachine', name: vmUuid });
      const list = (await json<{ resourceList?: WireResource[] }>(`/resources?${q}`))?.resourceList ?? [];
      return list.find((r) => r.resourceKey.name.toLowerCase().endsWith(`(${vmUuid.toLowerCase()})`))?.identifier ?? null;
    },
    addMembers: relationship('POST'),
    setMembers: relationship('PUT'),
  };
}

export type SuiteApi = ReturnType<typeof createSuiteApi>;
