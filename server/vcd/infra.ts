import { Upstream } from '../errors';
import { createVcdCatalog, type VcdCatalog } from './catalog';
import { VCD_API_VERSION } from './client';

/**
 * vCD's vApps, templates, VM metrics (legacy /api, `application/*+json`) and NSX-T edge load-balancer pools (cloudapi),
 * read with the caller's own session so vCD itself decides what the tenant may see (VCD-WIRE §6, docs/architecture.md).
 * An entity vCD hides (403) or does not know (404) is null.
 */

export interface VcdVmRef {
  id: string;
  name: string;
  poweredOn: boolean;
  ipAddress: string | null;
}
export interface VcdVAppRef {
  id: string;
  name: string;
  vms: VcdVmRef[];
}
export interface VcdTemplateRef {
  id: string;
  name: string;
  /** The template's VMs (a scale-out template has exactly one). */
  vms: { id: string; href: string; name: string }[];
}
export interface VcdEdgeRef {
  id: string;
  name: string;
  orgName: string | null;
}
export interface VcdPoolRef {
  id: string;
  name: string;
  members: { ipAddress: string; port: number; enabled: boolean }[];
  /** From the pool summary: members listed and whether the pool is enabled. */
  memberCount?: number;
  enabled?: boolean;
}
export interface VcdVmUsage {
  cpuPercent: number;
  memoryPercent: number;
}

/** One historic sample of a VM (`/metrics/historic`). */
export interface VcdVmSample {
  at: number;
  cpuPercent: number;
  memoryPercent: number;
}

export interface VcdInfra extends VcdCatalog {
  /** A session of its own (Basic user@org:password; System users log in as provider); returns the bearer token. */
  login(user: string, password: string): Promise<string>;
  vApp(token: string, id: string): Promise<VcdVAppRef | null>;
  template(token: string, id: string): Promise<VcdTemplateRef | null>;
  edgeGateway(token: string, id: string): Promise<VcdEdgeRef | null>;
  pools(token: string, edgeGatewayId: string): Promise<VcdPoolRef[] | null>;
  vmUsage(token: string, vmId: string): Promise<VcdVmUsage | null>;
  /** CPU and memory samples of a VM between two instants (ms), oldest first; null when vCD hides the VM. */
  vmHistory(token: string, vmId: string, window: { from: number; to: number }): Promise<VcdVmSample[] | null>;
  /** Recomposes the vApp with one VM from a template VM href; resolves when vCD's task succeeded (else Upstream). */
  addVmFromTemplate(token: string, vAppId: string, templateVmHref: string, name: string): Promise<void>;
  powerOn(token: string, vmId: string): Promise<void>;
  powerOff(token: string, vmId: string): Promise<void>;
  deleteVm(token: string, vmId: string): Promise<void>;
  /** Adds (or removes) one member of an edge gateway's pool by rewriting the pool, as cloudapi wants. */
  setPoolMember(token: string, edgeGatewayId: string, poolName: string, ipAddress: string, present: boolean): Promise<void>;
  poolMembers(token: string, edgeGatewayId: string, poolName: string): Promise<VcdPoolRef['members'] | null>;
}

/** The uuid of a vCD URN (`urn:vcloud:vapp:<uuid>`), or the id itself; prefixed ids like `vapp-<uuid>` lose the prefix. */
export function uuidOf(id: string): string {
  const tail = id.slice(id.lastIndexOf(':') + 1);
  return tail.replace(/^(vapp|vm|vappTemplate)-/i, '');
}

const SAFE_ID = /^[\w-]{1,100}$/;

export function createVcdInfra(options: { vcdUrl: string; timeoutMs?: number }): VcdInfra {
  const base = options.vcdUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function get(token: string, path: string, legacy: boolean): Promise<unknown | null> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        headers: {
          Accept: legacy ? `application/*+json;version=${VCD_API_VERSION}` : `application/json;version=${VCD_API_VERSION}`,
          Authorization: `Bearer ${token}`,
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Upstream(`vCD is not reachable (${(err as Error).message})`, 'vcd');
    }
    if (res.status === 403 || res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Upstream(`vCD answered ${res.status} for ${path.split('?')[0]}`, 'vcd');
    }
    return res.json().catch(() => {
      throw new Upstream(`vCD answered ${path.split('?')[0]} with a body that is not JSON`, 'vcd');
    });
  }
  const safe = (id: string) => {
    const uuid = uuidOf(id);
    return SAFE_ID.test(uuid) ? uuid : null;
  };

  type Json = Record<string, any>;
  const ipOf = (vm: Json): string | null => {
    const sections = Array.isArray(vm.section) ? vm.section : [];
    const net = sections.find((s: Json) => Array.isArray(s?.networkConnection));
    return net?.networkConnection?.[0]?.ipAddress ?? null;
  };

  async function send(token: string, method: string, path: string, body: unknown, legacy: boolean): Promise<string | null> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: {
          Accept: legacy ? `application/*+json;version=${VCD_API_VERSION}` : `application/json;version=${VCD_API_VERSION}`,
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': legacy ? 'application/*+json' : 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Upstream(`vCD is not reachable (${(err as Error).message})`, 'vcd');
    }
    const text = await res.text();
    if (!res.ok) {
      let message = '';
      try {
        message = String(JSON.parse(text).message ?? '');
      } catch {
        message = '';
      }
      throw new Upstream(`vCD answered ${res.status} for ${method} ${path.split('?')[0]}${message ? `: ${message}` : ''}`, 'vcd');
    }
    return res.headers.get('location');
  }

  /** Polls a task (VCD-WIRE §6) until success; its error becomes Upstream. */
  async function waitTask(token: string, href: string | null): Promise<void> {
    if (!href) return;
    const path = new URL(href, base).pathname;
    for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
      const task = (await get(token, path, true)) as Json | null;
      if (!task) throw new Upstream(`vCD lost task ${path}`, 'vcd-task');
      if (task.status === 'success') return;
      if (task.status === 'error' || task.status === 'aborted') throw new Upstream(`vCD task failed: ${task.error?.message ?? task.details ?? task.status}`, 'vcd-task');
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async function poolOf(token: string, edgeGatewayId: string, poolName: string): Promise<Json | null> {
    const uuid = safe(edgeGatewayId);
    if (!uuid) return null;
    const list = (await get(token, `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}/loadBalancer/poolSummaries?pageSize=128`, false)) as Json | null;
    const summary = (list?.values ?? []).find((p: Json) => p.name === poolName);
    if (!summary) return null;
    return (await get(token, `/cloudapi/1.0.0/loadBalancer/pools/${encodeURIComponent(summary.id)}`, false)) as Json | null;
  }
  const vmPath = (vmId: string) => {
    const uuid = safe(vmId);
    if (!uuid) throw new Upstream(`not a VM id: ${vmId}`, 'vcd');
    return `/api/vApp/vm-${uuid}`;
  };

  return {
    ...createVcdCatalog(get),
    async vmHistory(token, vmId, window) {
      const uuid = safe(vmId);
      if (!uuid) return null;
      const spec = { fromTime: new Date(window.from).toISOString(), toTime: new Date(window.to).toISOString(), metricPattern: ['cpu.usage.average', 'mem.usage.average'] };
      let res: Response;
      try {
        res = await fetch(`${base}/api/vApp/vm-${uuid}/metrics/historic`, {
          method: 'POST',
          headers: { Accept: `application/*+json;version=${VCD_API_VERSION}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/*+json' },
          body: JSON.stringify(spec),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Upstream(`vCD is not reachable (${(err as Error).message})`, 'vcd');
      }
      if (res.status === 403 || res.status === 404) return (await res.body?.cancel(), null);
      if (!res.ok) throw (await res.body?.cancel(), new Upstream(`vCD answered ${res.status} for VM metrics`, 'vcd'));
      const series: Json[] = ((await res.json().catch(() => ({}))) as Json).metricSeries ?? [];
      const samplesOf = (name: string) => new Map<number, number>((series.find((m) => m.name === name)?.sample ?? []).map((x: Json) => [Date.parse(x.timestamp), Number(x.value)]));
      const cpu = samplesOf('cpu.usage.average');
      const mem = samplesOf('mem.usage.average');
      return [...cpu.entries()]
        .filter(([at, v]) => Number.isFinite(at) && Number.isFinite(v) && mem.has(at))
        .map(([at, v]) => ({ at, cpuPercent: v, memoryPercent: mem.get(at) as number }))
        .sort((a, b) => a.at - b.at);
    },
    async login(user, password) {
      const path = /@system$/i.test(user) ? '/cloudapi/1.0.0/sessions/provider' : '/cloudapi/1.0.0/sessions';
      let res: Response;
      try {
        res = await fetch(base + path, {
          method: 'POST',
          headers: { Accept: `application/json;version=${VCD_API_VERSION}`, Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Upstream(`vCD is not reachable (${(err as Error).message})`, 'vcd');
      }
      await res.body?.cancel();
      const token = res.headers.get('x-vmware-vcloud-access-token');
      if (!res.ok || !token) throw new Upstream(`vCD refused the service account login (${res.status})`, 'vcd');
      return token;
    },
    async addVmFromTemplate(token, vAppId, templateVmHref, name) {
      const uuid = safe(vAppId);
      if (!uuid) throw new Upstream(`not a vApp id: ${vAppId}`, 'vcd');
      const body = { sourcedItem: [{ source: { href: templateVmHref }, vmGeneralParams: { name } }] };
      await waitTask(token, await send(token, 'POST', `/api/vApp/vapp-${uuid}/action/recomposeVApp`, body, true));
    },
    async powerOn(token, vmId) {
      await waitTask(token, await send(token, 'POST', `${vmPath(vmId)}/power/action/powerOn`, undefined, true));
    },
    async powerOff(token, vmId) {
      await waitTask(token, await send(token, 'POST', `${vmPath(vmId)}/power/action/powerOff`, undefined, true));
    },
    async deleteVm(token, vmId) {
      await waitTask(token, await send(token, 'DELETE', vmPath(vmId), undefined, true));
    },
    async poolMembers(token, edgeGatewayId, poolName) {
      const pool = await poolOf(token, edgeGatewayId, poolName);
      return pool ? (pool.members ?? []).map((m: Json) => ({ ipAddress: String(m.ipAddress), port: Number(m.port), enabled: m.enabled !== false })) : null;
    },
    async setPoolMember(token, edgeGatewayId, poolName, ipAddress, present) {
      const pool = await poolOf(token, edgeGatewayId, poolName);
      if (!pool) throw new Upstream(`load-balancer pool ${poolName} is gone`, 'vcd');
      const members: Json[] = pool.members ?? [];
      const has = members.some((m) => m.ipAddress === ipAddress);
      if (has === present) return; // idempotent: a retried step adds no duplicate member
      const next = present
        ? [...members, { ipAddress, port: pool.defaultPort ?? 80, ratio: 1, enabled: true }]
        : members.filter((m) => m.ipAddress !== ipAddress);
      const { healthMessage: _h, memberCount: _m, enabledMemberCount: _e, upMemberCount: _u, ...rest } = pool;
      const body = { ...rest, members: next.map((m) => ({ ipAddress: m.ipAddress, port: m.port, ratio: m.ratio ?? 1, enabled: m.enabled !== false })) };
      await waitTask(token, await send(token, 'PUT', `/cloudapi/1.0.0/loadBalancer/pools/${encodeURIComponent(pool.id)}`, body, false));
    },
    async vApp(token, id) {
      const uuid = safe(id);
      if (!uuid) return null;
      const body = (await get(token, `/api/vApp/vapp-${uuid}`, true)) as Json | null;
      if (!body) return null;
      const vms: Json[] = body.children?.vm ?? [];
      return {
        id: String(body.id),
        name: String(body.name),
        vms: vms.map((vm) => ({ id: String(vm.id), name: String(vm.name), poweredOn: vm.status === 4, ipAddress: ipOf(vm) })),
      };
    },
    async template(token, id) {
      const uuid = safe(id);
      if (!uuid) return null;
      const body = (await get(token, `/api/vAppTemplate/vappTemplate-${uuid}`, true)) as Json | null;
      if (!body) return null;
      const vms: Json[] = body.children?.vm ?? [];
      return { id: String(body.id), name: String(body.name), vms: vms.map((vm) => ({ id: String(vm.id), href: String(vm.href), name: String(vm.name) })) };
    },
    async edgeGateway(token, id) {
      const uuid = safe(id);
      if (!uuid) return null;
      const body = (await get(token, `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}`, false)) as Json | null;
      if (!body) return null;
      return { id: String(body.id), name: String(body.name), orgName: body.orgRef?.name ?? null };
    },
    async pools(token, edgeGatewayId) {
      const uuid = safe(edgeGatewayId);
      if (!uuid) return null;
      const path = `/cloudapi/1.0.0/edgeGateways/urn:vcloud:gateway:${uuid}/loadBalancer/poolSummaries?pageSize=128`;
      const body = (await get(token, path, false)) as Json | null;
      if (!body) return null;
      const values: Json[] = body.values ?? [];
      return values.map((p) => ({ id: String(p.id), name: String(p.name), members: [], memberCount: Number(p.memberCount ?? 0), enabled: p.enabled !== false }));
    },
    async vmUsage(token, vmId) {
      const uuid = safe(vmId);
      if (!uuid) return null;
      const body = (await get(token, `/api/vApp/vm-${uuid}/metrics/current`, true)) as Json | null;
      if (!body) return null;
      const metrics: Json[] = body.metric ?? [];
      const value = (name: string) => Number(metrics.find((m) => m.name === name)?.value ?? NaN);
      const cpu = value('cpu.usage.average');
      const mem = value('mem.usage.average');
      return Number.isFinite(cpu) && Number.isFinite(mem) ? { cpuPercent: cpu, memoryPercent: mem } : null;
    },
  };
}
