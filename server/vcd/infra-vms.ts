import { Upstream } from '../errors';
import { VCD_API_VERSION } from './client';
import { safeUuid, type Json, type VcdHttp } from './infra-http';
import type { VcdInfra } from './infra-types';

const ipOf = (vm: Json): string | null => {
  const sections = Array.isArray(vm.section) ? vm.section : [];
  const net = sections.find((s: Json) => Array.isArray(s?.networkConnection));
  return net?.networkConnection?.[0]?.ipAddress ?? null;
};

/** A VM's vCPUs and memory from its VmSpecSection (vCD API 32.0+): `numCpus`, `memoryResourceMb.configured`. */
const hardwareOf = (vm: Json): { cpus: number | null; memoryMb: number | null } => {
  const count = (v: unknown) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : null);
  return { cpus: count(vm.vmSpecSection?.numCpus), memoryMb: count(vm.vmSpecSection?.memoryResourceMb?.configured) };
};

const vmPath = (vmId: string) => {
  const uuid = safeUuid(vmId);
  if (!uuid) throw new Upstream(`not a VM id: ${vmId}`, 'vcd');
  return `/api/vApp/vm-${uuid}`;
};

type VmReads = Pick<VcdInfra, 'vApp' | 'template' | 'vmUsage' | 'vmHistory'>;
type VmActions = Pick<VcdInfra, 'addVmFromTemplate' | 'powerOn' | 'powerOff' | 'deleteVm'>;

/** vApps, templates and VMs over vCD's legacy /api, with their current and historic metrics. */
export function vmReads(http: VcdHttp): VmReads {
  const { get } = http;
  return {
    async vmHistory(token, vmId, window) {
      const uuid = safeUuid(vmId);
      if (!uuid) return null;
      const spec = { fromTime: new Date(window.from).toISOString(), toTime: new Date(window.to).toISOString(), metricPattern: ['cpu.usage.average', 'mem.usage.average'] };
      const res = await http.fetch(`/api/vApp/vm-${uuid}/metrics/historic`, {
        method: 'POST',
        headers: { Accept: `application/*+json;version=${VCD_API_VERSION}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/*+json' },
        body: JSON.stringify(spec),
      });
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
    async vApp(token, id) {
      const uuid = safeUuid(id);
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
      const uuid = safeUuid(id);
      if (!uuid) return null;
      const body = (await get(token, `/api/vAppTemplate/vappTemplate-${uuid}`, true)) as Json | null;
      if (!body) return null;
      const vms: Json[] = body.children?.vm ?? [];
      return { id: String(body.id), name: String(body.name), vms: vms.map((vm) => ({ id: String(vm.id), href: String(vm.href), name: String(vm.name), ...hardwareOf(vm) })) };
    },
    async vmUsage(token, vmId) {
      const uuid = safeUuid(vmId);
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

/** Recompose a vApp with a template VM, power a VM on or off, delete it; each waits for vCD's task. */
export function vmActions(http: VcdHttp): VmActions {
  const { send, waitTask } = http;
  return {
    async addVmFromTemplate(token, vAppId, templateVmHref, name) {
      const uuid = safeUuid(vAppId);
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
  };
}
