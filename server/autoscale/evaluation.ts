import { RuleMetricsQuerySchema, type Rule, type RuleMetrics } from '../../contract/autoscale';
import type { Ahead, CostEffect } from '../../contract/autoscale-budget';
import type { ActiveSchedule } from '../../contract/autoscale-schedule';
import { parseOrThrow } from '../errors';
import type { VcdInfra } from '../vcd/infra';
import { vAppHistory } from './backtest';
import { scaleAhead } from './ahead';
import { guard, unpriced, type RuleBudget } from './budget';
import { decide, type DecisionHistory, type DecisionResult } from './decide';
import { forecastDemand, impliedVms } from './forecast';
import { explainSchedule, withSchedule } from './schedule';

/** What the rule's vApp looks like now: averages over its powered-on VMs. */
export interface Observation {
  cpuPercent: number;
  memoryPercent: number;
  vms: number;
}

/** A decision with what shaped it besides the thresholds: the open window, the forecast ahead, its cost. */
export type Evaluation = DecisionResult & { schedule: ActiveSchedule | null; ahead: Ahead | null; cost: CostEffect | null };

/** Days of history the scale-ahead forecast learns from, and how long one forecast serves a rule's evaluations. */
const AHEAD_DAYS = 7;
const AHEAD_TTL_MS = 5 * 60_000;
const DAY = 86_400_000;

const round = (n: number) => Math.round(n * 10) / 10;

/** What a rule sees of its vApp (read from vCD as the caller) and what it decides from it. */
export class RuleEvaluation {
  /** The last forecast demand per rule: the poller evaluates every minute, the forecast moves in 5-minute steps. */
  private readonly forecasts = new Map<string, { made: number; demand: ReturnType<typeof forecastDemand> }>();
  constructor(private readonly deps: { vcd: VcdInfra; now: () => number; budget: RuleBudget }) {}

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

  /** The vApp's recent CPU and memory: vCD's historic samples of its powered-on VMs averaged per sample time, then the current reading. */
  async metrics(token: string, rule: Rule, query: unknown): Promise<RuleMetrics> {
    const { minutes } = parseOrThrow(RuleMetricsQuerySchema, query, 'invalid query');
    const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
    if (!vApp) return { items: [], vms: 0 };
    const on = vApp.vms.filter((vm) => vm.poweredOn);
    const to = this.deps.now();
    const history = await vAppHistory(this.deps.vcd, token, on.map((vm) => vm.id), { from: to - minutes * 60_000, to });
    const items = history.map((s) => ({ at: s.at, cpuPercent: round(s.cpuPercent), memoryPercent: round(s.memoryPercent) }));
    // vCD samples every few tens of seconds: the current reading (what a decision would use) ends the series.
    const current = await this.observe(token, rule);
    if (current && current.vms > 0) items.push({ at: to, cpuPercent: round(current.cpuPercent), memoryPercent: round(current.memoryPercent) });
    return { items, vms: on.length };
  }

  /**
   * The metric rules within the limits of the schedule window open now (a window never fights a threshold), raised
   * ahead of the forecast when the rule asks for it, then priced and held by the budget guard when over the ceiling.
   * `price`: 'always' (dry run) or only when the decision acts.
   */
  async evaluate(org: string, token: string, rule: Rule, observation: Observation | null, history: DecisionHistory, price: 'always' | 'acting'): Promise<Evaluation> {
    const now = this.deps.now();
    const window = observation ? [{ at: now, cpuPercent: observation.cpuPercent, memoryPercent: observation.memoryPercent }] : [];
    const scheduled = withSchedule(rule, now);
    const thresholds = decide({ rule: scheduled.rule, window, current: observation?.vms ?? 0, history, now });
    const forecast = rule.scheduleBufferMinutes ? await this.forecastVms(token, rule, scheduled.rule, rule.scheduleBufferMinutes) : null;
    const result = forecast ? scaleAhead(thresholds, { rule: scheduled.rule, ...forecast, bufferMinutes: rule.scheduleBufferMinutes as number, history, now }) : { ...thresholds, ahead: null };
    const decision = explainSchedule(result.decision, scheduled.schedule);
    const effect = price === 'always' || decision.action !== 'none' ? await this.deps.budget.effectOf(org, token, rule, decision) : null;
    const guarded = effect === null ? { decision, effect } : 'unpriced' in effect ? { decision: unpriced(decision, rule.monthlyCostCeiling, effect.unpriced), effect: null } : guard(decision, effect);
    return { ...result, decision: guarded.decision, cost: guarded.effect, schedule: scheduled.schedule };
  }

  /** The VMs the forecast implies `bufferMinutes` from now under the limits in force; null without history. */
  private async forecastVms(token: string, rule: Rule, limits: Parameters<typeof impliedVms>[0], bufferMinutes: number): Promise<{ forecastVms: number; at: number } | null> {
    const now = this.deps.now();
    const key = `${rule.id}@${rule.updatedAt}`;
    let cached = this.forecasts.get(key);
    if (!cached || now - cached.made > AHEAD_TTL_MS || now < cached.made) {
      const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
      if (!vApp) return null;
      const history = await vAppHistory(this.deps.vcd, token, vApp.vms.map((vm) => vm.id), { from: now - AHEAD_DAYS * DAY, to: now });
      if (history.length === 0) return null;
      cached = { made: now, demand: forecastDemand(history, now, Math.ceil(bufferMinutes / 60) + 1) };
      if (this.forecasts.size > 1000) this.forecasts.clear();
      this.forecasts.set(key, cached);
    }
    const at = now + bufferMinutes * 60_000;
    const point = cached.demand.filter((p) => p.at <= at).at(-1) ?? cached.demand[0];
    return point ? { forecastVms: impliedVms(limits, point), at: point.at } : null;
  }
}
