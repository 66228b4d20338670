import { BacktestRequestSchema, type Backtest } from '../../contract/autoscale';
import { Invalid, parseOrThrow } from '../errors';
import type { VcdInfra } from '../vcd/infra';
import { vmHourPriceOf, type RuleBudget } from './budget';
import { replay, type HistoricSample } from './replay';
import { scheduleIssues } from './schedule';

const DAY = 86_400_000;

/**
 * POST rules/backtest: a draft rule (as create takes it, nothing saved) replayed over the last `days` of its vApp's
 * metric history, read from vCD as the caller (`/metrics/historic` of each VM of the vApp), with its schedule windows
 * applied at each sample's time, its VM-hours priced as the budget guard prices a scale out (budget.ts).
 */
export class RuleBacktests {
  constructor(private readonly deps: { vcd: VcdInfra; now: () => number; budget: RuleBudget }) {}

  async run(org: string, token: string, body: unknown): Promise<Backtest> {
    const { rule, days } = parseOrThrow(BacktestRequestSchema, body, 'invalid backtest');
    const issues = scheduleIssues(rule, this.deps.now()).map((i) => ({ ...i, path: `rule.${i.path}` }));
    if (issues.length > 0) throw new Invalid(`invalid backtest: ${issues[0].path} ${issues[0].message}`, issues);
    const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
    if (!vApp) throw new Invalid('the rule names a vApp that does not exist in this org', [{ path: 'rule.vAppId', message: 'no such vApp in this org' }]);
    const to = this.deps.now();
    const from = to - days * DAY;
    const samples = await vAppHistory(this.deps.vcd, token, vApp.vms.map((vm) => vm.id), { from, to });
    if (samples.length === 0) {
      throw new Invalid('no metric history to replay', [{ path: 'days', message: `vCD has no metric samples of vApp ${vApp.name} in the last ${days} day(s)` }]);
    }
    const result = replay(rule, samples);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), days, ...result, cost: await this.cost(org, token, rule.templateId, result.summary) };
  }

  /** The replay's VM-hours (and the vApp's real ones) at the org's rate card for the template's hardware. */
  private async cost(org: string, token: string, templateId: string, summary: { vmHours: number; actualVmHours: number }): Promise<Backtest['cost']> {
    const priced = await this.deps.budget.hourly(org, token, templateId);
    if ('unpriced' in priced) return null;
    const vmHourPrice = vmHourPriceOf(priced.spend, priced.hardware);
    return { currency: priced.spend.currency, vmHourPrice: Math.round(vmHourPrice * 10_000) / 10_000, cost: Math.round(summary.vmHours * vmHourPrice), actualCost: Math.round(summary.actualVmHours * vmHourPrice) };
  }
}

/** A vApp's samples: per sample time the mean over the VMs that reported then (powered on), and how many did. */
export async function vAppHistory(vcd: VcdInfra, token: string, vmIds: string[], window: { from: number; to: number }): Promise<HistoricSample[]> {
  const series = await Promise.all(vmIds.map((id) => vcd.vmHistory(token, id, window)));
  const byTime = new Map<number, { cpu: number; mem: number; n: number }>();
  for (const sample of series.flatMap((s) => s ?? [])) {
    const slot = byTime.get(sample.at) ?? { cpu: 0, mem: 0, n: 0 };
    byTime.set(sample.at, { cpu: slot.cpu + sample.cpuPercent, mem: slot.mem + sample.memoryPercent, n: slot.n + 1 });
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([at, s]) => ({ at, cpuPercent: s.cpu / s.n, memoryPercent: s.mem / s.n, vms: s.n }));
}
