import type { Logger } from 'pino';
import type { HookPhase } from '../../contract/autoscale-hooks';
import type { Decision, Rule } from '../../contract/autoscale';
import { Upstream } from '../errors';
import type { Db } from '../store/db';
import { ActionJournal, type Action } from './action-journal';
import type { VcdInfra } from '../vcd/infra';
import { HookAbandoned, hookEvent, runHook, type HookFunctions } from './hooks';
import type { RuleStore } from './store';
import { waitForIp, whenNotBusy } from './vcd-waits';

/** The name part that marks a VM as made by the autoscaler: `<vApp>-as-<seq>`. */
export const AUTOSCALE_MARK = '-as-';

/** The sequence number in an autoscaler-made VM's name (`<vApp>-as-<seq>`); NaN for any other name. */
const seqOf = (name: string) => Number(name.slice(name.lastIndexOf(AUTOSCALE_MARK) + AUTOSCALE_MARK.length));

export interface ExecutorDeps {
  db: Db;
  rules: RuleStore;
  vcd: VcdInfra;
  log: Logger;
  /** How long a powered-on VM may take to get an IP. */
  ipWaitMs?: number;
  /** How long to wait for a VM that vCD says is busy completing another operation (default 120 s). */
  busyWaitMs?: number;
  /** Retries of an action that vCD failed (a task error, vCD unreachable): default 2, after 5 s, then 10 s. */
  retries?: number;
  retryBaseMs?: number;
  /** The rule's vROps group (vrops-groups.ts): a new VM joins it, a removed one leaves it. */
  groups?: { joined(rule: Rule, vmId: string): Promise<void>; leaving(rule: Rule, vmId: string): Promise<void> };
  /** Calls the org's functions for a rule's lifecycle hooks (absent: hooks are skipped). */
  hooks?: HookFunctions;
}

/**
 * Carries out scale decisions against vCD, one action per rule at a time (a running row per rule, unique), journalling
 * each step in autoscale_actions and the rule's events. Scale out: recompose from the template (VM `<vApp>-as-<seq>`),
 * power on, wait for an IP, add to the LB pool. Scale in: the newest autoscaler-made VM leaves the pool first, then
 * powers off and is deleted.
 */
export class ScaleExecutor {
  private readonly running = new Set<Promise<void>>();
  /** Actions that were running when this process started: a crash left them half done. */
  private orphans = new Set<string>();
  private readonly journal: ActionJournal;
  constructor(private readonly deps: ExecutorDeps) {
    this.journal = new ActionJournal(deps);
  }

  /** At start: every running action is an orphan of a previous process (one backend per store; replicas need leases). */
  async loadOrphans(): Promise<number> {
    const { rows } = await this.deps.db.query<{ id: string }>(`SELECT id FROM autoscale_actions WHERE status = 'running'`);
    this.orphans = new Set(rows.map((r) => r.id));
    return this.orphans.size;
  }

  /**
   * Finishes a rule's interrupted action with the caller's session (the backend holds no vCD credentials of its own):
   * every step is idempotent (the VM name follows from the action's sequence, pool membership is checked), so a
   * scale out resumes where it stopped without an orphan VM or a duplicate member, and a scale in finishes removing its VM.
   */
  async reconcile(org: string, token: string, rule: Rule): Promise<void> {
    if (this.orphans.size === 0) return;
    const { rows } = await this.deps.db.query<{ id: string; kind: Action['kind']; seq: number; vm_name: string | null }>(
      `SELECT id, kind, seq, vm_name FROM autoscale_actions WHERE org = $1 AND rule_id = $2 AND status = 'running'`,
      [org, rule.id],
    );
    for (const row of rows.filter((r) => this.orphans.has(r.id))) {
      this.orphans.delete(row.id);
      const action: Action = { id: row.id, org, rule, kind: row.kind, seq: Number(row.seq), vmName: row.vm_name };
      await this.deps.rules.addEvent(org, rule.id, { kind: 'step', message: `reconcile: resuming an interrupted ${row.kind}`, data: { action: row.id } });
      await this.run(token, action);
    }
  }

  /** Starts the action in the background; false when the rule already has one running. */
  async start(org: string, token: string, rule: Rule, kind: Action['kind'], decision?: Decision): Promise<boolean> {
    const action = await this.journal.claim(org, rule, kind);
    if (action) action.decision = decision;
    if (!action) {
      await this.deps.rules.addEvent(org, rule.id, { kind: 'step', message: `${kind} skipped: another action of this rule is running`, data: {} });
      return false;
    }
    const run = this.run(token, action).finally(() => this.running.delete(run));
    this.running.add(run);
    return true;
  }

  private closed = false;
  private readonly wake = new Set<() => void>();

  /** Resolves when every started action has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async run(token: string, action: Action): Promise<void> {
    const retries = this.deps.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        if (action.kind === 'scaleOut') await this.scaleOut(token, action);
        else await this.scaleIn(token, action);
        return;
      } catch (err) {
        const reason = (err as Error).message;
        // Only vCD's failures are worth another try; a gone vApp or a name clash stays what it is.
        if (err instanceof Upstream && attempt < retries && !this.closed) {
          const inMs = (this.deps.retryBaseMs ?? 5000) * 2 ** attempt;
          await this.journal.step(action, 'retry', { attempt: attempt + 1, of: retries, inMs, reason }).catch(() => undefined);
          await this.pause(inMs);
          // Closing: the action stays running in the journal and is resumed after the restart, like a crash.
          if (this.closed) return;
          continue;
        }
        await this.journal.finish(action, reason).catch((e) => this.deps.log.error({ err: e }, 'autoscale journal write failed'));
        return;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  /** Stops waiting retries (their actions are resumed after a restart) and waits for the running steps. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.wake]) wake();
    await this.settled();
  }

  private async scaleOut(token: string, action: Action): Promise<void> {
    const { vcd } = this.deps;
    const { rule } = action;
    const [vApp, template] = await Promise.all([vcd.vApp(token, rule.vAppId), vcd.template(token, rule.templateId)]);
    if (!vApp) throw new Error('the vApp is gone');
    if (!template || template.vms.length !== 1) throw new Error('the template is gone or no longer holds one VM');
    const base = vApp.name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40);
    if (action.vmName === undefined) {
      // A fresh action takes the next free name: VMs of a deleted rule (or made by hand) may hold lower numbers.
      const taken = vApp.vms.filter((vm) => vm.name.startsWith(`${base}${AUTOSCALE_MARK}`)).map((vm) => seqOf(vm.name)).filter(Number.isInteger);
      const free = Math.max(action.seq, ...taken.map((n) => n + 1));
      if (free !== action.seq) {
        await this.deps.db.query(`UPDATE autoscale_actions SET seq = $3 WHERE org = $1 AND id = $2`, [action.org, action.id, free]);
        action.seq = free;
      }
    }
    const name = `${base}${AUTOSCALE_MARK}${action.seq}`;
    const exists = vApp.vms.some((vm) => vm.name === name);
    // Only a resumed action may adopt an existing VM of its name; a fresh one never takes over a VM it did not make.
    if (exists && action.vmName === undefined) throw new Error(`a VM named ${name} already exists in the vApp (another rule on this vApp?)`);
    await this.deps.db.query(`UPDATE autoscale_actions SET vm_name = $3 WHERE org = $1 AND id = $2`, [action.org, action.id, name]);
    // From here the name is this action's: a retry may adopt the VM if its rollback could not remove it.
    action.vmName = name;
    if (!exists) {
      await this.journal.step(action, 'recompose', { vm: name });
      await vcd.addVmFromTemplate(token, rule.vAppId, template.vms[0].href, name);
    }
    const created = (await vcd.vApp(token, rule.vAppId))?.vms.find((vm) => vm.name === name);
    if (!created) throw new Error(`VM ${name} did not appear in the vApp`);
    await this.deps.db.query(`UPDATE autoscale_actions SET vm_id = $3 WHERE org = $1 AND id = $2`, [action.org, action.id, created.id]);
    try {
      if (!created.poweredOn) {
        await this.journal.step(action, 'powerOn', { vm: name, vmId: created.id });
        // A resumed action may find the crashed process's power-on still running: wait for it, then look again.
        await this.notBusy(
          () => vcd.powerOn(token, created.id),
          async () => (await vcd.vApp(token, rule.vAppId))?.vms.find((vm) => vm.id === created.id)?.poweredOn === true,
        );
      }
      const ip = await waitForIp(vcd, token, rule.vAppId, created.id, this.deps.ipWaitMs ?? 60_000);
      await this.hook(action, 'afterPowerOn', vApp, { id: created.id, name, ipAddress: ip });
      await this.journal.step(action, 'addPoolMember', { vm: name, ip, pool: rule.lbPoolName });
      await vcd.setPoolMember(token, rule.edgeGatewayId, rule.lbPoolName, ip, true);
      await this.inVropsGroup(action, 'joinVropsGroup', name, () => this.deps.groups?.joined(rule, created.id));
      await this.journal.finish(action, null, { name, id: created.id, ip });
    } catch (err) {
      await this.rollBackScaleOut(token, action, created.id, (err as Error).message);
      throw err;
    }
  }

  /** Monitoring follows the pool, but never fails a scale action: a vROps error is journalled and reconcile repairs it. */
  private async inVropsGroup(action: Action, step: string, vm: string, change: () => Promise<void> | undefined): Promise<void> {
    if (!this.deps.groups || !action.rule.vropsGroupId) return;
    await this.journal.step(action, step, { vm, vropsGroupId: action.rule.vropsGroupId });
    await change()?.catch((err: Error) => this.journal.step(action, `${step} failed (repaired on the next evaluation)`, { vm, reason: err.message }));
  }

  /** A rule's lifecycle hook, journalled before and after: its function's answer (or default) continues or abandons. */
  private async hook(action: Action, phase: HookPhase, vApp: { id: string; name: string }, vm: { id: string; name: string; ipAddress: string | null }): Promise<void> {
    const hook = action.rule.hooks?.[phase];
    if (!hook || !this.deps.hooks) return;
    await this.journal.step(action, 'hook', { phase, function: hook.function, vm: vm.name, timeoutSeconds: hook.timeoutSeconds, onTimeout: hook.onTimeout });
    const event = hookEvent(phase, { org: action.org, action: action.id, rule: action.rule, vApp: { id: vApp.id, name: vApp.name }, vm, decision: action.decision ?? null });
    const verdict = await runHook(this.deps.hooks, hook, event);
    await this.journal.step(action, 'hookResult', { phase, function: hook.function, vm: vm.name, ...verdict });
    if (verdict.outcome === 'abandon') throw new HookAbandoned(`the ${phase} hook (function ${hook.function}) abandoned it: ${verdict.detail}`);
  }

  private notBusy(operation: () => Promise<void>, alreadyDone: () => Promise<boolean>): Promise<void> {
    return whenNotBusy(operation, alreadyDone, this.deps.busyWaitMs ?? 120_000);
  }

  /** A scale out that failed after its VM was made takes the VM away again (out of the pool, off, deleted): no orphan. */
  private async rollBackScaleOut(token: string, action: Action, vmId: string, reason: string): Promise<void> {
    const { vcd } = this.deps;
    const { rule } = action;
    try {
      await this.journal.step(action, 'rollback', { vmId, reason });
      const vm = (await vcd.vApp(token, rule.vAppId))?.vms.find((v) => v.id === vmId);
      if (!vm) return;
      const notBusyAnyMore = async () => false;
      if (vm.ipAddress) await vcd.setPoolMember(token, rule.edgeGatewayId, rule.lbPoolName, vm.ipAddress, false);
      if (vm.poweredOn) await this.notBusy(() => vcd.powerOff(token, vmId), notBusyAnyMore);
      await this.notBusy(() => vcd.deleteVm(token, vmId), notBusyAnyMore);
    } catch (err) {
      this.deps.log.error({ org: action.org, rule: rule.id, vm: vmId, err: (err as Error).message }, 'autoscale rollback failed; the VM is left for the next reconcile');
    }
  }

  private async scaleIn(token: string, action: Action): Promise<void> {
    const { vcd } = this.deps;
    const { rule } = action;
    const vApp = await vcd.vApp(token, rule.vAppId);
    if (!vApp) throw new Error('the vApp is gone');
    const made = vApp.vms.filter((vm) => vm.name.includes(AUTOSCALE_MARK) && Number.isInteger(seqOf(vm.name))).sort((a, b) => seqOf(b.name) - seqOf(a.name));
    if (action.vmName !== undefined) {
      // Resuming: only the VM the interrupted action chose; nothing chosen yet means nothing was done.
      const chosen = vApp.vms.find((vm) => vm.name === action.vmName);
      if (!action.vmName) return this.journal.finish(action, 'interrupted before it chose a VM; nothing was changed');
      if (!chosen) return this.journal.finish(action, null, { name: action.vmName });
      made.splice(0, made.length, chosen);
    }
    const victim = made[0];
    if (!victim) throw new Error('no autoscaler-made VM to remove (VMs it did not create are never touched)');
    await this.deps.db.query(`UPDATE autoscale_actions SET vm_name = $3, vm_id = $4 WHERE org = $1 AND id = $2`, [action.org, action.id, victim.name, victim.id]);
    await this.hook(action, 'beforeDrain', vApp, { id: victim.id, name: victim.name, ipAddress: victim.ipAddress ?? null });
    await this.inVropsGroup(action, 'leaveVropsGroup', victim.name, () => this.deps.groups?.leaving(rule, victim.id));
    if (victim.ipAddress) {
      await this.journal.step(action, 'removePoolMember', { vm: victim.name, ip: victim.ipAddress, pool: rule.lbPoolName });
      await vcd.setPoolMember(token, rule.edgeGatewayId, rule.lbPoolName, victim.ipAddress, false);
    }
    if (victim.poweredOn) {
      await this.journal.step(action, 'powerOff', { vm: victim.name });
      await vcd.powerOff(token, victim.id);
    }
    await this.journal.step(action, 'delete', { vm: victim.name });
    await vcd.deleteVm(token, victim.id);
    await this.journal.finish(action, null, { name: victim.name, id: victim.id, ip: victim.ipAddress });
  }
}
