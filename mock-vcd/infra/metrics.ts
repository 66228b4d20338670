import { type DemoVm, demoSamples } from './demo-history';
import { type Inventory, type VApp, type Vm, servingVms } from './model';

/** What a VM uses now, derived from its vApp's load (percent values 0–100). */
export interface VmUsage {
  cpu: number;
  /** CPU ready in percent, which vROps's "CPU usage + ready" super metric adds to usage. */
  cpuReady: number;
  mem: number;
}

const IDLE_CPU = 2;
const BASE_MEM = 25;
const MEM_PER_LOAD = 0.4;
const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number) => Math.min(100, Math.max(0, n));

/**
 * The vApp's load is shared by the VMs serving in an LB pool (powered on, IP an enabled member); when none serve,
 * by all its powered-on VMs. A powered-on VM outside that set idles; a powered-off one uses nothing.
 */
export function usageOf(inv: Inventory, vapp: VApp, vm: Vm): VmUsage {
  if (vm.power !== 'POWERED_ON') return { cpu: 0, cpuReady: 0, mem: 0 };
  const serving = servingVms(inv, vapp);
  const sharing = serving.length ? serving : vapp.vms.filter((v) => v.power === 'POWERED_ON');
  const share = sharing.includes(vm) ? vapp.load / sharing.length : 0;
  const cpu = clamp(IDLE_CPU + share);
  // Ready time grows once the VM runs hot (contention for physical cores).
  const cpuReady = cpu > 70 ? round2((cpu - 70) / 10) : 0;
  return { cpu: round2(cpu), cpuReady, mem: round2(clamp(BASE_MEM + share * MEM_PER_LOAD)) };
}

export interface Sample {
  timestamp: number;
  cpu: number;
  mem: number;
}

/**
 * A fixed-size ring buffer of samples per VM (vCD keeps 20-second samples; the interval here is configurable), and
 * before the mock started, the demo history of the VMs it started with (demo-history.ts).
 */
export class MetricHistory {
  private readonly buffers = new Map<string, Sample[]>();
  private readonly demoVms = new Map<string, DemoVm>();

  constructor(
    private readonly capacity = 720,
    private readonly demo: { until: number; days: number } = { until: 0, days: 0 },
  ) {}

  /** Gives a VM the demo history of the days before `demo.until` (the inventory the mock starts with). */
  seedDemo(vmUuid: string, vm: DemoVm): void {
    if (this.demo.days > 0) this.demoVms.set(vmUuid, vm);
  }

  record(vmUuid: string, sample: Sample): void {
    const buffer = this.buffers.get(vmUuid) ?? [];
    buffer.push(sample);
    if (buffer.length > this.capacity) buffer.splice(0, buffer.length - this.capacity);
    this.buffers.set(vmUuid, buffer);
  }

  window(vmUuid: string, from: number, to: number): Sample[] {
    const demoVm = this.demoVms.get(vmUuid);
    const demo = demoVm ? demoSamples(demoVm, { from, to, ...this.demo }) : [];
    return [...demo, ...(this.buffers.get(vmUuid) ?? []).filter((s) => s.timestamp >= from && s.timestamp <= to)];
  }

  forget(vmUuid: string): void {
    this.buffers.delete(vmUuid);
    this.demoVms.delete(vmUuid);
  }
}

/** Takes one sample of every powered-on VM. */
export function sampleAll(inv: Inventory, history: MetricHistory, now: number): void {
  for (const vapp of inv.vapps) {
    for (const vm of vapp.vms) {
      if (vm.power !== 'POWERED_ON') continue;
      const u = usageOf(inv, vapp, vm);
      history.record(vm.uuid, { timestamp: now, cpu: u.cpu, mem: u.mem });
    }
  }
}

/** vCD's metric names and units for CurrentUsage. */
export function currentMetrics(vm: Vm, u: VmUsage) {
  const mhzPerCpu = 2600;
  return [
    { name: 'cpu.usage.average', unit: 'PERCENT', value: u.cpu },
    { name: 'cpu.usage.maximum', unit: 'PERCENT', value: u.cpu },
    { name: 'cpu.usagemhz.average', unit: 'MEGAHERTZ', value: Math.round((u.cpu / 100) * vm.cpus * mhzPerCpu) },
    { name: 'mem.usage.average', unit: 'PERCENT', value: u.mem },
    { name: 'disk.provisioned.latest', unit: 'KILOBYTE', value: 20 * 1024 * 1024 },
  ];
}
