import { randomBytes, randomUUID } from 'node:crypto';
import { VcdError, badRequest } from '../http/vcd-errors';
import type { Directory } from '../orgs/directory';
import type { Session } from '../sessions/store';
import { createDemoInventory } from './demo';
import { MetricHistory, sampleAll } from './metrics';
import {
  type EdgeGateway,
  type Inventory,
  type LbPool,
  type PoolMember,
  type VApp,
  type VAppTemplate,
  type Vm,
  nextIp,
  poolUrn,
  vappUrn,
  vmUrn,
} from './model';
import { Notifier } from './notifications';
import { type Task, TaskRunner } from './tasks';

export interface InfraOptions {
  now?: () => number;
  /** Interval of the metric sampler feeding `/metrics/historic`; default 20 s like vCD. */
  metricsSampleMs?: number;
  /** Days of deterministic demo history before the start for the demo VMs (`/metrics/historic`); default 0 = none (main.ts: 30). */
  demoHistoryDays?: number;
  /** Initial delay of every task in ms (admin API changes it); default 0. */
  taskDelayMs?: number;
  /** vCD notification webhook targets (URLs). */
  notificationTargets?: string[];
}

const busy = (what: string) => new VcdError(400, 'BUSY_ENTITY', `${what} is busy completing an operation.`);

/** The mock's inventory with vCD's operations on it: each change runs as a Task and notifies on success. */
export class Infra {
  readonly inventory: Inventory;
  readonly tasks: TaskRunner;
  readonly history: MetricHistory;
  readonly notifier: Notifier;
  private readonly now: () => number;
  private readonly sampler: NodeJS.Timeout;
  /** Entities with a running task (vCD refuses a second operation on a busy entity). */
  private readonly busy = new Set<string>();

  constructor(
    private readonly directory: Directory,
    options: InfraOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.inventory = createDemoInventory(directory, this.now());
    this.history = new MetricHistory(720, { until: this.now(), days: options.demoHistoryDays ?? 0 });
    for (const vapp of this.inventory.vapps) for (const vm of vapp.vms) this.history.seedDemo(vm.uuid, { vappUuid: vapp.uuid, sharing: vapp.vms.length });
    this.tasks = new TaskRunner(this.now);
    if (options.taskDelayMs) this.tasks.faults.delayMs.any = options.taskDelayMs;
    this.notifier = new Notifier(this.now);
    this.notifier.targets.push(...(options.notificationTargets ?? []));
    this.sampler = setInterval(() => sampleAll(this.inventory, this.history, this.now()), options.metricsSampleMs ?? 20_000);
    this.sampler.unref();
    sampleAll(this.inventory, this.history, this.now());
  }

  stop(): void {
    clearInterval(this.sampler);
    this.tasks.stop();
  }

  /** Recompose: a new VM from the template's VM, powered off, added to the vApp when the task succeeds. */
  recompose(session: Session, vapp: VApp, template: VAppTemplate, vmName?: string): Task {
    const name = vmName?.trim() || this.freeName(vapp, template.vm.name);
    if (vapp.vms.some((v) => v.name === name)) throw new VcdError(400, 'DUPLICATE_NAME', `The VM name "${name}" is already used in vApp ${vapp.name}.`);
    const uuid = randomUUID();
    return this.run(session, vapp.uuid, {
      kind: 'recompose',
      operationName: 'vdcRecomposeVapp',
      operation: `Composed Virtual Application ${vapp.name}(${vapp.uuid})`,
      owner: this.vappOwner(vapp),
      apply: () => {
        if (vapp.vms.some((v) => v.name === name)) throw new Error(`The VM name "${name}" is already used in vApp ${vapp.name}.`);
        const vm: Vm = {
          uuid,
          name,
          vappUuid: vapp.uuid,
          power: 'POWERED_OFF',
          cpus: template.vm.cpus,
          memoryMb: template.vm.memoryMb,
          ipAddress: null,
          macAddress: `00:50:56:${randomBytes(3).toString('hex').match(/../g)!.join(':')}`,
          sourceTemplateUuid: template.uuid,
          createdAt: this.now(),
        };
        vapp.vms.push(vm);
        return [{ event: 'vm/create', entity: vmUrn(uuid) }];
      },
    });
  }

  powerOn(session: Session, vapp: VApp, vm: Vm): Task {
    return this.run(session, vm.uuid, {
      kind: 'powerOn',
      operationName: 'vappPowerOn',
      operation: `Powered on Virtual Machine ${vm.name}(${vm.uuid})`,
      owner: this.vmOwner(vm),
      apply: () => {
        if (!vapp.vms.includes(vm)) throw new Error(`VM ${vm.name} no longer exists.`);
        if (vm.power === 'POWERED_ON') return [];
        vm.power = 'POWERED_ON';
        vm.ipAddress ??= nextIp(vapp);
        return [
          { event: 'vm/deploy', entity: vmUrn(vm.uuid) },
          { event: 'vm/change_state', entity: vmUrn(vm.uuid) },
        ];
      },
    });
  }

  powerOff(session: Session, vapp: VApp, vm: Vm): Task {
    return this.run(session, vm.uuid, {
      kind: 'powerOff',
      operationName: 'vappPowerOff',
      operation: `Powered off Virtual Machine ${vm.name}(${vm.uuid})`,
      owner: this.vmOwner(vm),
      apply: () => {
        if (vm.power === 'POWERED_OFF') return [];
        vm.power = 'POWERED_OFF';
        return [{ event: 'vm/change_state', entity: vmUrn(vm.uuid) }];
      },
    });
  }

  deleteVm(session: Session, vapp: VApp, vm: Vm): Task {
    if (vm.power === 'POWERED_ON') throw badRequest(`VM ${vm.name} is powered on; power it off before deleting it.`);
    return this.run(session, vm.uuid, {
      kind: 'delete',
      operationName: 'vappDeleteVm',
      operation: `Deleted Virtual Machine ${vm.name}(${vm.uuid})`,
      owner: this.vmOwner(vm),
      apply: () => {
        if (vm.power === 'POWERED_ON') throw new Error(`VM ${vm.name} is powered on.`);
        vapp.vms = vapp.vms.filter((v) => v !== vm);
        this.history.forget(vm.uuid);
        return [{ event: 'vm/delete', entity: vmUrn(vm.uuid) }];
      },
    });
  }

  /** Replaces a pool's members and settings (cloudapi's PUT of the whole pool). */
  updatePool(session: Session, edge: EdgeGateway, pool: LbPool, next: { members: PoolMember[]; enabled: boolean; name: string; description: string }): Task {
    return this.run(session, pool.uuid, {
      kind: 'poolUpdate',
      operationName: 'loadBalancerPoolUpdate',
      operation: `Updated Load Balancer Pool ${pool.name} on ${edge.name}`,
      owner: { id: poolUrn(pool.uuid), name: pool.name, type: 'loadBalancerPool', path: `/cloudapi/1.0.0/loadBalancer/pools/${poolUrn(pool.uuid)}` },
      apply: () => {
        pool.members = next.members.map((m) => ({ ...m }));
        pool.enabled = next.enabled;
        pool.name = next.name;
        pool.description = next.description;
        return [];
      },
    });
  }

  private run(
    session: Session,
    entityUuid: string,
    spec: { kind: Task['kind']; operationName: string; operation: string; owner: Task['owner']; apply: () => { event: string; entity: string }[] },
  ): Task {
    if (this.busy.has(entityUuid)) throw busy(spec.owner.name);
    this.busy.add(entityUuid);
    const org = session.org.isProvider ? this.orgOfOwner(spec.owner) ?? session.org : session.org;
    const task = this.tasks.start({
      ...spec,
      org: { id: org.id, name: org.name },
      user: { id: session.user.id, name: session.user.name },
      apply: () => {
        for (const e of spec.apply()) {
          this.notifier.emitNotification({
            ...e,
            operationSuccess: true,
            userId: session.user.id,
            orgId: org.id,
            task: `urn:vcloud:task:${task.uuid}`,
            taskOwner: spec.owner.id,
          });
        }
      },
      onEnd: () => this.busy.delete(entityUuid),
    });
    return task;
  }

  /** An org's name by its URN ('' when unknown), for query records that carry `orgName`. */
  orgName(orgId: string): string {
    return this.directory.orgs.find((o) => o.id === orgId)?.name ?? '';
  }

  /** The org owning a task's entity (a provider acting in a tenant's org gets the tenant's org on the task). */
  private orgOfOwner(owner: Task['owner']): { id: string; name: string } | undefined {
    const uuid = owner.id.slice(owner.id.lastIndexOf(':') + 1);
    const orgId =
      this.inventory.vapps.find((v) => v.uuid === uuid || v.vms.some((m) => m.uuid === uuid))?.orgId ??
      this.inventory.edges.find((e) => e.pools.some((p) => p.uuid === uuid))?.orgId;
    return this.directory.orgs.find((o) => o.id === orgId);
  }

  private freeName(vapp: VApp, base: string): string {
    for (let i = vapp.vms.length + 1; ; i++) {
      const name = `${base}-${String(i).padStart(2, '0')}`;
      if (!vapp.vms.some((v) => v.name === name)) return name;
    }
  }

  private vappOwner = (vapp: VApp): Task['owner'] => ({ id: vappUrn(vapp.uuid), name: vapp.name, type: 'vApp', path: `/api/vApp/vapp-${vapp.uuid}` });
  private vmOwner = (vm: Vm): Task['owner'] => ({ id: vmUrn(vm.uuid), name: vm.name, type: 'vm', path: `/api/vApp/vm-${vm.uuid}` });
}
