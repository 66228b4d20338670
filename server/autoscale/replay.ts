import type { BacktestDecision, BacktestPoint, MetricSample } from '../../contract/autoscale';
import type { ScheduleWindow } from '../../contract/autoscale-schedule';
import { decide, type DecisionHistory, type DecisionRule } from './decide';
import { explainSchedule, scheduleAt, scheduleSpans } from './schedule';

/** The vApp at one historic sample time: averages over the VMs that reported then, and how many did. */
export interface HistoricSample extends MetricSample {
  vms: number;
}

export interface ReplayRule extends DecisionRule {
  evaluationSeconds: number;
  /** Time windows: each evaluation decides within the limits of the window open at its sample's time. */
  schedules?: ScheduleWindow[];
}

export interface ReplayResult {
  summary: { vmHours: number; actualVmHours: number; minutesAboveScaleOut: number; scaleOuts: number; scaleIns: number; peakVms: number; samples: number };
  points: BacktestPoint[];
  decisions: BacktestDecision[];
  decisionsTruncated: boolean;
}

/** As many raw recommendations as the live store keeps (RuleStore's MAX_RECOMMENDATIONS). */
const MAX_RECOMMENDATIONS = 200;
const MAX_DECISIONS = 1000;
const HOUR = 3_600_000;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The load of `actual` VMs carried by `simulated` ones, the engine's own model (its flapping guard projects
 * metric × n / desired); a VM cannot report more than 100 %.
 */
export function project(sample: HistoricSample, simulated: number): MetricSample {
  const factor = sample.vms / Math.max(simulated, 1);
  return { at: sample.at, cpuPercent: Math.min(100, sample.cpuPercent * factor), memoryPercent: Math.min(100, sample.memoryPercent * factor) };
}

/**
 * Replays history through the rule's pure decision function (decide.ts) as the poller would have run it: at most one
 * evaluation per evaluationSeconds, on the sample then current, with the cooldown and the stabilization window
 * carried from one evaluation to the next, within the limits of the schedule window open at each sample's time (as the
 * live rule does). A decision takes effect at once (provisioning time is not modelled). Each
 * sample's load counts until the next sample; the last sample counts for no time.
 */
export function replay(rule: ReplayRule, samples: HistoricSample[], buckets = 300): ReplayResult {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const history: DecisionHistory = { lastScaleAt: null, recommendations: [] };
  const decisions: BacktestDecision[] = [];
  const summary = { vmHours: 0, actualVmHours: 0, minutesAboveScaleOut: 0, scaleOuts: 0, scaleIns: 0, peakVms: 0, samples: sorted.length };
  const seen: (BacktestPoint & { until: number })[] = [];
  let current = sorted[0]?.vms ?? 0;
  let lastEvaluation = -Infinity;
  const spans = scheduleSpans(rule, sorted[0]?.at ?? 0, sorted.at(-1)?.at ?? 0);
  for (let i = 0; i < sorted.length; i++) {
    const sample = sorted[i];
    const until = sorted[i + 1]?.at ?? sample.at;
    if (sample.at - lastEvaluation >= rule.evaluationSeconds * 1000) {
      lastEvaluation = sample.at;
      const schedule = scheduleAt(spans, sample.at);
      const limits = schedule ? { ...rule, minVms: schedule.minVms, maxVms: schedule.maxVms } : rule;
      const result = decide({ rule: limits, window: [project(sample, current)], current, history, now: sample.at });
      const { recommendation } = result;
      const decision = explainSchedule(result.decision, schedule);
      history.recommendations = [...history.recommendations, { at: sample.at, desired: recommendation }].slice(-MAX_RECOMMENDATIONS);
      if (decision.action !== 'none') {
        history.lastScaleAt = sample.at;
        decision.action === 'scaleOut' ? summary.scaleOuts++ : summary.scaleIns++;
        if (decisions.length < MAX_DECISIONS) decisions.push({ at: sample.at, action: decision.action, from: current, to: decision.desired, reason: decision.reason, detail: decision.detail });
        current = decision.desired;
      }
    }
    // The load as the rule's VMs would have carried it, after this evaluation, until the next sample.
    const load = project(sample, current);
    const hours = (until - sample.at) / HOUR;
    summary.vmHours += current * hours;
    summary.actualVmHours += sample.vms * hours;
    if (load.cpuPercent > rule.scaleOut.cpuPercent || load.memoryPercent > rule.scaleOut.memoryPercent) summary.minutesAboveScaleOut += hours * 60;
    summary.peakVms = Math.max(summary.peakVms, current);
    seen.push({ at: sample.at, cpuPercent: load.cpuPercent, memoryPercent: load.memoryPercent, vms: current, actualVms: sample.vms, until });
  }
  return {
    summary: { ...summary, vmHours: round(summary.vmHours, 2), actualVmHours: round(summary.actualVmHours, 2), minutesAboveScaleOut: round(summary.minutesAboveScaleOut) },
    points: bucketed(seen, buckets),
    decisions,
    decisionsTruncated: summary.scaleOuts + summary.scaleIns > decisions.length,
  };
}

/** At most `n` points for the chart: per time bucket the mean load and the highest VM counts. */
function bucketed(points: BacktestPoint[], n: number): BacktestPoint[] {
  if (points.length <= n) return points.map(({ at, cpuPercent, memoryPercent, vms, actualVms }) => ({ at, cpuPercent: round(cpuPercent), memoryPercent: round(memoryPercent), vms, actualVms }));
  const first = points[0].at;
  const width = (points[points.length - 1].at - first) / n || 1;
  const groups = new Map<number, BacktestPoint[]>();
  for (const p of points) {
    const key = Math.min(n - 1, Math.floor((p.at - first) / width));
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [...groups.values()].map((g) => ({
    at: g[0].at,
    cpuPercent: round(mean(g.map((p) => p.cpuPercent))),
    memoryPercent: round(mean(g.map((p) => p.memoryPercent))),
    vms: Math.max(...g.map((p) => p.vms)),
    actualVms: Math.max(...g.map((p) => p.actualVms)),
  }));
}
