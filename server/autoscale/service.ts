import type { Logger } from 'pino';
import {
  RuleCreateSchema,
  RuleMetricsQuerySchema,
  RuleUpdateSchema,
  VropsAlertSchema,
  ruleIssues,
  type AlertReceipt,
  type Decision,
  type DryRun,
  type Rule,
  type RuleInput,
  type RuleMetrics,
  type VropsAlert,
} from '../../contract/autoscale';
import type { ActiveSchedule } from '../../contract/autoscale-schedule';
import { Conflict, Invalid, NotFound, parseOrThrow, type FieldError } from '../errors';
import { isUniqueViolation } from '../store/db';
import { uuidOf, type VcdInfra } from '../vcd/infra';
import { decide, type DecisionHistory, type DecisionResult } from './decide';
import type { ScaleExecutor } from './executor';
import { RuleBacktests } from './backtest';
import { explainSchedule, scheduleIssues, withSchedule } from './schedule';
import { checkHooks, type HookFunctions } from './hooks';
import { RuleForecasts } from './forecasts';
import { fieldChanges, type ChangeAuthor, type RuleJournal } from './journal';
import { AutoscalePickers } from './pickers';
import type { RuleStore } from './store';
import type { VropsGroups } from './vrops-groups';

export interface AutoscaleDeps {
  store: RuleStore;
  journal: RuleJournal;
  vcd: VcdInfra;
  log: Logger;
  /** Carries out decisions; absent = decisions are journalled only. */
  executor?: ScaleExecutor;
  now?: () => number;
  /** The provider's limit of maxVms per rule for an org (issue 18; the provider feature keeps it, compose wires it). */
  maxVmsOf?: (org: string) => Promise<number>;
  /** The rules' vROps custom groups (absent: no vROps configured). */
  groups?: VropsGroups;
  /** The org's functions, for the rules' lifecycle hooks (compose wires the functions feature). */
  hookFunctions?: HookFunctions;
}

/** What the rule's vApp looks like now: averages over its powered-on VMs. */
export interface Observation {
  cpuPercent: number;
  memoryPercent: number;
  vms: number;
}

const specOf = (r: Rule): RuleInput => {
  const { id: _id, createdAt: _c, updatedAt: _u, ...spec } = r;
  return spec;
};

/** Rules CRUD with references checked in vCD as the caller, alert intake and decisions (the executor is not built yet). */
export class AutoscaleService {
  private readonly now: () => number;
  /** The wizard's pickers: the org's vApps, templates, edge gateways and pools. */
  readonly pickers: AutoscalePickers;
  /** Draft rules replayed over the vApp's metric history. */
  readonly backtests: RuleBacktests;
  /** Load forecasts of a rule's vApp. */
  readonly forecasts: RuleForecasts;
  constructor(private readonly deps: AutoscaleDeps) {
    this.now = deps.now ?? Date.now;
    this.pickers = new AutoscalePickers(deps.vcd);
    this.backtests = new RuleBacktests({ vcd: deps.vcd, now: this.now });
    this.forecasts = new RuleForecasts({ vcd: deps.vcd, now: this.now });
  }

  async create(org: string, token: string, body: unknown, author: ChangeAuthor): Promise<Rule> {
    const spec = parseOrThrow(RuleCreateSchema, body, 'invalid rule');
    this.checkSchedules(spec);
    await this.checkMaxVms(org, spec.maxVms);
    await this.ensureNoClash(org, spec);
    await checkHooks(this.deps.hookFunctions, org, spec.hooks);
    await this.checkReferences(org, token, spec);
    await this.checkVropsGroup(org, spec);
    try {
      return await this.deps.store.insert(org, spec, { action: 'create', author, changes: fieldChanges(null, spec) });
    } catch (err) {
      throw this.conflictOf(err, spec);
    }
  }

  /** A rule's vROps group must be one of its org's (400 naming vropsGroupId). */
  private async checkVropsGroup(org: string, spec: RuleInput): Promise<void> {
    const issues = spec.vropsGroupId ? ((await this.deps.groups?.check(org, spec.vropsGroupId)) ?? [{ path: 'vropsGroupId', message: 'the provider has configured no vROps' }]) : [];
    if (issues.length > 0) throw new Invalid(`invalid rule: ${issues[0].path} ${issues[0].message}`, issues);
  }

  /** Windows whose cron parses, whose limits fit the rule's and that never overlap (400 naming the field). */
  private checkSchedules(spec: RuleInput): void {
    const issues = scheduleIssues(spec, this.now());
    if (issues.length > 0) throw new Invalid(`invalid rule: ${issues[0].path} ${issues[0].message}`, issues);
  }

  /** A rule's maxVms within the provider's autoscaleMaxVms for the org (400 naming the limit). */
  private async checkMaxVms(org: string, maxVms: number): Promise<void> {
    const limit = await this.deps.maxVmsOf?.(org);
    if (limit === undefined || maxVms <= limit) return;
    const message = `maxVms ${maxVms} is over this org's limit of ${limit} VMs per rule set by the provider`;
    throw new Invalid(`invalid rule: ${message}`, [{ path: 'maxVms', message }]);
  }

  /** Names are unique, and one rule per vApp: two rules scaling the same vApp would fight over its VM count. */
  private async ensureNoClash(org: string, spec: RuleInput, self?: string): Promise<void> {
    const vAppUuid = uuidOf(spec.vAppId).toLowerCase();
    const others = (await this.deps.store.clashing(org, { name: spec.name, vAppUuid })).filter((r) => r.id !== self);
    const errors: FieldError[] = [];
    if (others.some((r) => r.name === spec.name)) errors.push({ path: 'name', message: 'is taken' });
    const owner = others.find((r) => r.vAppUuid === vAppUuid);
    if (owner) errors.push({ path: 'vAppId', message: `is scaled by rule "${owner.name}" (${owner.id})` });
    if (errors.length > 0) throw new Conflict(owner ? `the vApp already has the autoscale rule "${owner.name}"` : `a rule named "${spec.name}" exists`, errors);
  }

  /** A unique index lost the race: say which field clashed. */
  private conflictOf(err: unknown, spec: RuleInput): unknown {
    if (!isUniqueViolation(err)) return err;
    if (/vapp/i.test(`${err.constraint ?? ''} ${(err as unknown as Error).message ?? ''}`)) {
      return new Conflict('the vApp already has an autoscale rule', [{ path: 'vAppId', message: 'is scaled by another rule' }]);
    }
    return new Conflict(`a rule named "${spec.name}" exists`, [{ path: 'name', message: 'is taken' }]);
  }

  /**
   * Changes any subset of a rule's fields; the merged rule is validated as a whole, its vCD references checked again as
   * create does (vCD objects may have vanished since), and the change journalled field by field. Only switching a rule
   * off skips vCD: a rule whose vApp is gone must still be stoppable. The decision state is kept (see RuleStore.update).
   */
  async update(org: string, token: string, id: string, body: unknown, author: ChangeAuthor): Promise<Rule> {
    const patch = parseOrThrow(RuleUpdateSchema, body, 'invalid rule');
    const old = await this.get(org, id);
    const spec: RuleInput = { ...specOf(old), ...patch };
    const issues = ruleIssues(spec);
    if (issues.length > 0) throw new Invalid('invalid rule', issues);
    this.checkSchedules(spec);
    const changes = fieldChanges(specOf(old), spec);
    if (changes.length === 0) return old;
    if (changes.some((c) => c.field === 'maxVms')) await this.checkMaxVms(org, spec.maxVms);
    if (changes.some((c) => c.field === 'name' || c.field === 'vAppId')) await this.ensureNoClash(org, spec, id);
    if (changes.some((c) => c.field.startsWith('hooks'))) await checkHooks(this.deps.hookFunctions, org, spec.hooks);
    const onlySwitchingOff = changes.length === 1 && changes[0].field === 'enabled' && spec.enabled === false;
    if (!onlySwitchingOff) await this.checkReferences(org, token, spec);
    if (!onlySwitchingOff) await this.checkVropsGroup(org, spec);
    let updated: Rule | null;
    try {
      updated = await this.deps.store.update(org, id, spec, { action: 'update', author, changes });
    } catch (err) {
      throw this.conflictOf(err, spec);
    }
    if (!updated) throw new NotFound(`rule ${id} not found`);
    return updated;
  }

  /** Who changed the rule and how, newest first. */
  async history(org: string, id: string, page: { limit: number; offset: number }) {
    await this.get(org, id);
    return this.deps.journal.list(org, id, page);
  }

  async remove(org: string, id: string): Promise<void> {
    if (!(await this.deps.store.remove(org, id))) throw new NotFound(`rule ${id} not found`);
  }

  async get(org: string, id: string): Promise<Rule> {
    const rule = await this.deps.store.get(org, id);
    if (!rule) throw new NotFound(`rule ${id} not found`);
    return rule;
  }

  list(org: string, page: { limit: number; offset: number }) {
    return this.deps.store.list(org, page);
  }

  async events(org: string, id: string, page: { limit: number; offset: number }) {
    await this.get(org, id);
    return this.deps.store.events(org, id, page);
  }

  /** vApp, template, edge gateway and pool must exist in vCD and be visible to the caller in this org; each failure names its field. */
  async checkReferences(org: string, token: string, spec: RuleInput): Promise<void> {
    const { vcd } = this.deps;
    const [vApp, template, edge] = await Promise.all([vcd.vApp(token, spec.vAppId), vcd.template(token, spec.templateId), vcd.edgeGateway(token, spec.edgeGatewayId)]);
    const errors: FieldError[] = [];
    if (!vApp) errors.push({ path: 'vAppId', message: 'no such vApp in this org' });
    if (!template) errors.push({ path: 'templateId', message: 'no such vApp template in this org' });
    else if (template.vms.length !== 1) errors.push({ path: 'templateId', message: `must hold exactly one VM (it holds ${template.vms.length})` });
    // A provider session sees every org: the edge must still belong to the rule's org.
    if (!edge || (edge.orgName !== null && edge.orgName.toLowerCase() !== org)) errors.push({ path: 'edgeGatewayId', message: 'no such edge gateway in this org' });
    else {
      const pools = (await vcd.pools(token, spec.edgeGatewayId)) ?? [];
      if (!pools.some((p) => p.name === spec.lbPoolName)) errors.push({ path: 'lbPoolName', message: `no load-balancer pool of that name on edge gateway ${edge.name}` });
    }
    if (errors.length > 0) throw new Invalid('the rule names vCD objects that do not exist in this org', errors);
  }

  /** Current averages over the rule's powered-on VMs, read from vCD's VM metrics. */
  async observe(token: string, rule: Rule): Promise<Observation | null> {
    const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
    if (!vApp) return null;
    const on = vApp.vms.filter((vm) => vm.poweredOn);
    const usage = (await Promise.all(on.map((vm) => this.deps.vcd.vmUsage(token, vm.id)))).filter((u): u is NonNullable<typeof u> => u !== null);
    if (usage.length === 0) return { cpuPercent: 0, memoryPercent: 0, vms: on.length };
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { cpuPercent: avg(usage.map((u) => u.cpuPercent)), memoryPercent: avg(usage.map((u) => u.memoryPercent)), vms: on.length };
  }

  /** The metric rules within the limits of the schedule window open now (a window never fights a threshold). */
  private evaluate(rule: Rule, observation: Observation | null, history: DecisionHistory): DecisionResult & { schedule: ActiveSchedule | null } {
    const now = this.now();
    const window = observation ? [{ at: now, cpuPercent: observation.cpuPercent, memoryPercent: observation.memoryPercent }] : [];
    const scheduled = withSchedule(rule, now);
    const result = decide({ rule: scheduled.rule, window, current: observation?.vms ?? 0, history, now });
    return { ...result, decision: explainSchedule(result.decision, scheduled.schedule), schedule: scheduled.schedule };
  }

  /** The vApp's recent CPU and memory: vCD's historic samples of its powered-on VMs averaged per sample time, then the current reading. */
  async metrics(org: string, token: string, id: string, query: unknown): Promise<RuleMetrics> {
    const rule = await this.get(org, id);
    const { minutes } = parseOrThrow(RuleMetricsQuerySchema, query, 'invalid query');
    const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
    if (!vApp) return { items: [], vms: 0 };
    const on = vApp.vms.filter((vm) => vm.poweredOn);
    const to = this.now();
    const series = await Promise.all(on.map((vm) => this.deps.vcd.vmHistory(token, vm.id, { from: to - minutes * 60_000, to })));
    const byTime = new Map<number, { cpu: number; mem: number; n: number }>();
    for (const sample of series.flatMap((s) => s ?? [])) {
      const slot = byTime.get(sample.at) ?? { cpu: 0, mem: 0, n: 0 };
      byTime.set(sample.at, { cpu: slot.cpu + sample.cpuPercent, mem: slot.mem + sample.memoryPercent, n: slot.n + 1 });
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    const items = [...byTime.entries()].sort(([a], [b]) => a - b).map(([at, s]) => ({ at, cpuPercent: round(s.cpu / s.n), memoryPercent: round(s.mem / s.n) }));
    // vCD samples every few tens of seconds: the current reading (what a decision would use) ends the series.
    const current = await this.observe(token, rule);
    if (current && current.vms > 0) items.push({ at: to, cpuPercent: round(current.cpuPercent), memoryPercent: round(current.memoryPercent) });
    return { items, vms: on.length };
  }

  /** What the rule would do now and why, without remembering or doing anything. */
  async dryRun(org: string, token: string, id: string): Promise<DryRun> {
    const rule = await this.get(org, id);
    const [observation, history] = await Promise.all([this.observe(token, rule), this.deps.store.history(org, rule.id)]);
    const { decision, schedule } = this.evaluate(rule, observation, history);
    return { rule: rule.id, decision, metrics: observation, schedule };
  }

  /**
   * A vROps REST notification (VCD-WIRE §5). ACTIVE alerts of enabled rules are evaluated against vCD's current metrics
   * and the decision is journalled; an alert for no rule is acknowledged and logged, never an error.
   */
  async receiveAlert(org: string, token: string, body: unknown): Promise<AlertReceipt> {
    const alert = parseOrThrow(VropsAlertSchema, body, 'invalid alert');
    const rules = await this.deps.store.matching(org, alert);
    if (rules.length === 0) {
      this.deps.log.info({ org, alertId: alert.alertId, resourceId: alert.resourceId, resourceName: alert.resourceName }, 'alert for no autoscale rule acknowledged');
      return { alertId: alert.alertId, status: alert.status, rules: [] };
    }
    const out: AlertReceipt['rules'] = [];
    for (const rule of rules) {
      const { store } = this.deps;
      const journalled = store.addEvent(org, rule.id, {
        kind: 'alert',
        message: `${alert.alertName ?? 'alert'} ${alert.status}`,
        data: { alertId: alert.alertId, status: alert.status, resourceName: alert.resourceName ?? null, criticality: alert.criticality ?? null },
      });
      if (!rule.enabled) {
        await journalled;
        continue;
      }
      await journalled;
      out.push({ id: rule.id, decision: await this.evaluateRule(org, token, rule) });
    }
    return { alertId: alert.alertId, status: alert.status, rules: out };
  }

  /**
   * An alert that names no tenant (vROps's SNMP traps): it belongs to the one org with a rule of that name or id, and
   * is evaluated with the backend's own vCD session. A name several orgs use is ambiguous and only logged: name the
   * vROps group after the rule's id to be exact.
   */
  async receiveUnscopedAlert(alert: VropsAlert, login: () => Promise<string>): Promise<AlertReceipt | undefined> {
    const orgs = alert.resourceName ? await this.deps.store.orgsWithRule(alert.resourceName) : [];
    if (orgs.length !== 1) {
      const why = orgs.length === 0 ? 'alert for no autoscale rule acknowledged' : 'alert names a rule of several orgs; ignored (name the group after the rule id)';
      this.deps.log.info({ alertId: alert.alertId, resourceName: alert.resourceName, orgs: orgs.length }, why);
      return undefined;
    }
    return this.receiveAlert(orgs[0], await login(), alert);
  }

  /** The rule's vROps group follows its vApp; a vROps failure is logged and never stops the evaluation. */
  private async repairVropsGroup(org: string, token: string, rule: Rule): Promise<void> {
    if (!rule.vropsGroupId || !this.deps.groups) return;
    try {
      await this.deps.groups.reconcile(org, rule, await this.deps.vcd.vApp(token, rule.vAppId));
    } catch (err) {
      this.deps.log.warn({ org, rule: rule.id, err: (err as Error).message }, 'vROps group repair failed');
    }
  }

  /**
   * Evaluates a rule with vCD's current metrics (or those vCD pushed, `observed`), journals the decision and starts its
   * action (alerts, the poller and the metrics push).
   */
  async evaluateRule(org: string, token: string, rule: Rule, observed?: Observation): Promise<Decision> {
    const { store } = this.deps;
    await this.deps.executor?.reconcile(org, token, rule);
    await this.repairVropsGroup(org, token, rule);
    const [observation, history] = await Promise.all([observed ?? this.observe(token, rule), store.history(org, rule.id)]);
    const { decision, recommendation, schedule } = this.evaluate(rule, observation, history);
    await Promise.all([
      store.remember(org, rule.id, history, { at: this.now(), desired: recommendation }, decision.action !== 'none'),
      store.addEvent(org, rule.id, { kind: 'decision', message: decision.detail, data: { ...decision, metrics: observation, schedule } }),
    ]);
    if (decision.action !== 'none' && this.deps.executor) await this.deps.executor.start(org, token, rule, decision.action, decision);
    this.deps.log.info({ org, rule: rule.id, action: decision.action, desired: decision.desired, reason: decision.reason }, 'autoscale decision');
    return decision;
  }
}
