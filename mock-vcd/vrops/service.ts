import { randomUUID } from 'node:crypto';
import { usageOf } from '../infra/metrics';
import { findVm } from '../infra/model';
import type { Infra } from '../infra/service';
import { type GroupMetrics, THRESHOLD_KINDS, type ThresholdKind, type VropsAlert, breaches, newAlert } from './alerts';
import { type SnmpTarget, sendTrap } from './snmp';

export interface VropsGroup {
  id: string;
  /** The vCD org of a group made through /mock/vrops; null for a suite-api custom group (vROps knows no org). */
  orgId: string | null;
  name: string;
  /** VM uuids. */
  members: string[];
  thresholds: Partial<Record<ThresholdKind, number>>;
  /** Breaching evaluations in a row before an alert is raised (vROps's "wait cycle"). */
  waitCycles: number;
  /** Clear evaluations in a row before it is canceled ("cancel cycle"). */
  cancelCycles: number;
}

export interface RestTarget {
  url: string;
}

export interface Delivery {
  via: 'rest' | 'snmp';
  target: string;
  method?: 'POST' | 'PUT';
  status: number | 'sent' | 'failed';
  alertId: string;
  alertStatus: VropsAlert['status'];
}

export interface VropsOptions {
  /** Evaluation interval in ms (vROps collects every 5 minutes; default here 10 s, tests go faster). */
  intervalMs?: number;
  restTargets?: RestTarget[];
  snmpTargets?: SnmpTarget[];
  /** The name vROps puts in traps as vmwareAlertAliveServerName. */
  serverName?: string;
  /** suite-api accounts (username → password) that may acquire a token. */
  users?: Record<string, string>;
  now?: () => number;
}

interface Tracking {
  breaching: number;
  clear: number;
  alert: VropsAlert | null;
}

/** Computes the seed's super metrics of a group from the mock vCD's VMs; undefined when no member is running. */
export function groupMetrics(infra: Infra, group: VropsGroup): GroupMetrics | undefined {
  const usages = group.members
    .map((uuid) => findVm(infra.inventory, uuid))
    .filter((f): f is NonNullable<typeof f> => f !== undefined && (group.orgId === null || f.vapp.orgId === group.orgId) && f.vm.power === 'POWERED_ON')
    .map((f) => usageOf(infra.inventory, f.vapp, f.vm));
  if (!usages.length) return undefined;
  const avg = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  return { cpu: avg(usages.map((u) => u.cpu + u.cpuReady)), mem: avg(usages.map((u) => u.mem)), vms: usages.length };
}

/** A mock vROps: custom groups of VMs, super-metric thresholds, alerts sent over REST and SNMP. */
export class VropsMock {
  readonly groups = new Map<string, VropsGroup>();
  readonly restTargets: RestTarget[];
  readonly snmpTargets: SnmpTarget[];
  readonly deliveries: Delivery[] = [];
  readonly users: Record<string, string>;
  private readonly tracking = new Map<string, Tracking>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly serverName: string;

  constructor(
    private readonly infra: Infra,
    options: VropsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.serverName = options.serverName ?? 'vrops.mock.local';
    this.users = { ...(options.users ?? { admin: 'vrops-demo' }) };
    this.restTargets = [...(options.restTargets ?? [])];
    this.snmpTargets = [...(options.snmpTargets ?? [])];
    this.timer = setInterval(() => void this.evaluate(), options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  groupKey = (orgId: string | null, name: string) => `${orgId ?? '*'}/${name.toLowerCase()}`;

  upsertGroup(spec: Omit<VropsGroup, 'id'>): VropsGroup {
    const key = this.groupKey(spec.orgId, spec.name);
    const existing = this.groups.get(key);
    const group: VropsGroup = { ...spec, id: existing?.id ?? randomUUID() };
    this.groups.set(key, group);
    // Thresholds that were removed take their alerts with them (canceled on the next evaluation).
    return group;
  }

  deleteGroup(group: VropsGroup): void {
    this.groups.delete(this.groupKey(group.orgId, group.name));
    for (const kind of THRESHOLD_KINDS) {
      const t = this.tracking.get(`${group.id}/${kind}`);
      if (t?.alert) void this.deliver(this.cancel(t.alert));
      this.tracking.delete(`${group.id}/${kind}`);
    }
  }

  activeAlerts(): VropsAlert[] {
    return [...this.tracking.values()].map((t) => t.alert).filter((a): a is VropsAlert => a !== null);
  }

  /** One evaluation round over every group; resolves when its notifications were delivered. */
  async evaluate(): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      const metrics = groupMetrics(this.infra, group);
      for (const kind of THRESHOLD_KINDS) {
        const key = `${group.id}/${kind}`;
        const t = this.tracking.get(key) ?? { breaching: 0, clear: 0, alert: null };
        this.tracking.set(key, t);
        const threshold = group.thresholds[kind];
        if (metrics === undefined && threshold !== undefined) continue; // no data: vROps keeps the alert state
        const breach = threshold !== undefined && metrics !== undefined && breaches(kind, threshold, metrics);
        t.breaching = breach ? t.breaching + 1 : 0;
        t.clear = breach ? 0 : t.clear + 1;
        if (!t.alert && breach && t.breaching >= group.waitCycles) {
          const metricName = kind.startsWith('cpu') ? 'CPU usage + ready' : 'memory usage';
          const value = kind.startsWith('cpu') ? metrics!.cpu : metrics!.mem;
          t.alert = newAlert({
            kind,
            group,
            info: `Average ${metricName} of ${group.name} is ${value} % (threshold ${threshold} %, ${metrics!.vms} VMs)`,
            now: this.now(),
          });
          sends.push(this.deliver(t.alert));
        } else if (t.alert && (threshold === undefined || t.clear >= group.cancelCycles)) {
          sends.push(this.deliver(this.cancel(t.alert)));
          t.alert = null;
        }
      }
    }
    await Promise.all(sends);
  }

  private cancel(alert: VropsAlert): VropsAlert {
    const now = this.now();
    return { ...alert, status: 'CANCELED', updateDate: now, cancelDate: now };
  }

  /** REST plugin: POST the new alert to the URL, PUT updates and cancels to `<url>/<alertId>`; and SNMP traps. */
  private async deliver(alert: VropsAlert): Promise<void> {
    const body = JSON.stringify(alert);
    const rest = this.restTargets.map(async (target) => {
      const method = alert.status === 'ACTIVE' ? 'POST' : 'PUT';
      const url = method === 'POST' ? target.url : `${target.url.replace(/\/+$/, '')}/${alert.alertId}`;
      let status: Delivery['status'] = 'failed';
      try {
        const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 'failed';
      }
      this.record({ via: 'rest', target: target.url, method, status, alertId: alert.alertId, alertStatus: alert.status });
    });
    const traps = this.snmpTargets.map(async (target) => {
      const ok = await sendTrap(target, alert, this.serverName);
      this.record({ via: 'snmp', target: `${target.host}:${target.port}`, status: ok ? 'sent' : 'failed', alertId: alert.alertId, alertStatus: alert.status });
    });
    await Promise.all([...rest, ...traps]);
  }

  private record(d: Delivery): void {
    this.deliveries.push(d);
    if (this.deliveries.length > 1000) this.deliveries.splice(0, this.deliveries.length - 1000);
  }
}
