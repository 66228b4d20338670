import type { Logger } from 'pino';
import { RuleCreateSchema, RuleUpdateSchema, VropsAlertSchema, ruleIssues, type AlertReceipt, type Decision, type DryRun, type Rule, type RuleInput, type RuleMetrics, type VropsAlert } from '../../contract/autoscale';
import { Invalid, NotFound, parseOrThrow } from '../errors';
import type { VcdInfra } from '../vcd/infra';
import type { ScaleExecutor } from './executor';
import { RuleBacktests } from './backtest';
import { RuleEvaluation, type Observation } from './evaluation';
import { RuleBudget, type SpendPort } from './budget';
import { checkHooks, type HookFunctions } from './hooks';
import { RuleForecasts } from './forecasts';
import { fieldChanges, type ChangeAuthor, type RuleJournal } from './journal';
import { AutoscalePickers } from './pickers';
import { RuleChecks } from './rule-checks';
import type { RuleStore } from './store';
import type { VropsGroups } from './vrops-groups';

export type { Observation } from './evaluation';

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
  /** The org's spend and rate card, for the budget guard (compose wires showback). */
  spend?: SpendPort;
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
  private readonly checks: RuleChecks;
  private readonly evaluation: RuleEvaluation;
  private readonly budget: RuleBudget;
  constructor(private readonly deps: AutoscaleDeps) {
    this.now = deps.now ?? Date.now;
    this.pickers = new AutoscalePickers(deps.vcd);

    this.forecasts = new RuleForecasts({ vcd: deps.vcd, now: this.now });
    this.checks = new RuleChecks({ ...deps, now: this.now });
    this.budget = new RuleBudget({ vcd: deps.vcd, spend: deps.spend, now: this.now });
    this.backtests = new RuleBacktests({ vcd: deps.vcd, now: this.now, budget: this.budget });
    this.evaluation = new RuleEvaluation({ vcd: deps.vcd, now: this.now, budget: this.budget });
  }

  async create(org: string, token: string, body: unknown, author: ChangeAuthor): Promise<Rule> {
    const spec = parseOrThrow(RuleCreateSchema, body, 'invalid rule');
    this.checks.schedules(spec);
    await this.checks.maxVms(org, spec.maxVms);
    await this.checks.noClash(org, spec);
    await this.budget.checkCeiling(org, spec);
    await checkHooks(this.deps.hookFunctions, org, spec.hooks);
    await this.checks.references(org, token, spec);
    await this.checks.vropsGroup(org, spec);
    try {
      return await this.deps.store.insert(org, spec, { action: 'create', author, changes: fieldChanges(null, spec) });
    } catch (err) {
      throw this.checks.conflictOf(err, spec);
    }
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
    this.checks.schedules(spec);
    const changes = fieldChanges(specOf(old), spec);
    if (changes.length === 0) return old;
    if (changes.some((c) => c.field === 'maxVms')) await this.checks.maxVms(org, spec.maxVms);
    if (changes.some((c) => c.field === 'name' || c.field === 'vAppId')) await this.checks.noClash(org, spec, id);
    if (changes.some((c) => c.field === 'monthlyCostCeiling')) await this.budget.checkCeiling(org, spec);
    if (changes.some((c) => c.field.startsWith('hooks'))) await checkHooks(this.deps.hookFunctions, org, spec.hooks);
    const onlySwitchingOff = changes.length === 1 && changes[0].field === 'enabled' && spec.enabled === false;
    if (!onlySwitchingOff) await this.checks.references(org, token, spec);
    if (!onlySwitchingOff) await this.checks.vropsGroup(org, spec);
    let updated: Rule | null;
    try {
      updated = await this.deps.store.update(org, id, spec, { action: 'update', author, changes });
    } catch (err) {
      throw this.checks.conflictOf(err, spec);
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

  /** The vApp's recent CPU and memory (vCD's historic samples, then the current reading). */
  async metrics(org: string, token: string, id: string, query: unknown): Promise<RuleMetrics> {
    return this.evaluation.metrics(token, await this.get(org, id), query);
  }

  /** What the rule would do now and why, without remembering or doing anything. */
  async dryRun(org: string, token: string, id: string): Promise<DryRun> {
    const rule = await this.get(org, id);
    const [observation, history] = await Promise.all([this.evaluation.observe(token, rule), this.deps.store.history(org, rule.id)]);
    const { decision, schedule, cost, ahead } = await this.evaluation.evaluate(org, token, rule, observation, history, 'always');
    return { rule: rule.id, decision, metrics: observation, schedule, cost, ahead };
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
    const [observation, history] = await Promise.all([observed ?? this.evaluation.observe(token, rule), store.history(org, rule.id)]);
    const { decision, recommendation, schedule, cost, ahead } = await this.evaluation.evaluate(org, token, rule, observation, history, 'acting');
    await Promise.all([
      store.remember(org, rule.id, history, { at: this.now(), desired: recommendation }, decision.action !== 'none'),
      store.addEvent(org, rule.id, { kind: 'decision', message: decision.detail, data: { ...decision, metrics: observation, schedule, cost, ahead } }),
    ]);
    if (decision.action !== 'none' && this.deps.executor) await this.deps.executor.start(org, token, rule, decision.action, decision);
    this.deps.log.info({ org, rule: rule.id, action: decision.action, desired: decision.desired, reason: decision.reason }, 'autoscale decision');
    return decision;
  }
}
