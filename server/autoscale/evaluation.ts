import { RuleMetricsQuerySchema, type Rule, type RuleMetrics } from '../../contract/autoscale';
import type { ActiveSchedule } from '../../contract/autoscale-schedule';
import { parseOrThrow } from '../errors';
import type { VcdInfra } from '../vcd/infra';
import { vAppHistory } from './backtest';
import { decide, type DecisionHistory, type DecisionResult } from './decide';
import { explainSchedule, withSchedule } from './schedule';

/** What the rule's vApp looks like now: averages over its powered-on VMs. */
export interface Observation {
  cpuPercent: number;
  memoryPercent: number;
  vms: number;
}

/** A decision with what shaped it besides the thresholds. */
export type Evaluation = DecisionResult & { schedule: ActiveSchedule | null };

const round = (n: number) => Math.round(n * 10) / 10;

/** What a rule sees of its vApp (read from vCD as the caller) and what it decides from it. */
export class RuleEvaluation {
  constructor(private readonly deps: { vcd: VcdInfra; now: () => number }) {}

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

  /** The metric rules within the limits of the schedule window open now (a window never fights a threshold). */
  evaluate(rule: Rule, observation: Observation | null, history: DecisionHistory): Evaluation {
    const now = this.deps.now();
    const window = observation ? [{ at: now, cpuPercent: observation.cpuPercent, memoryPercent: observation.memoryPercent }] : [];
    const scheduled = withSchedule(rule, now);
    const result = decide({ rule: scheduled.rule, window, current: observation?.vms ?? 0, history, now });
    return { ...result, decision: explainSchedule(result.decision, scheduled.schedule), schedule: scheduled.schedule };
  }
}
