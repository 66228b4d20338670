import type { Decision, MetricSample, Thresholds } from '../../contract/autoscale';

/** What the engine needs of a rule. */
export interface DecisionRule {
  scaleOut: Thresholds;
  scaleIn: Thresholds;
  minVms: number;
  maxVms: number;
  step: number;
  cooldownSeconds: number;
  stabilizationSeconds: number;
}

/** What happened before: the last scale action and the engine's raw recommendations (for the stabilization window). */
export interface DecisionHistory {
  lastScaleAt: number | null;
  recommendations: { at: number; desired: number }[];
}

export interface DecisionInput {
  rule: DecisionRule;
  /** Samples of the evaluation window (averages over the serving VMs). */
  window: MetricSample[];
  current: number;
  history: DecisionHistory;
  now: number;
}

/** The decision plus the raw recommendation before stabilization, which the caller keeps in the history. */
export interface DecisionResult {
  decision: Decision;
  recommendation: number;
}

/** HPA's tolerance: no change while metric/target is within 10 % of 1. */
export const TOLERANCE = 0.1;

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * A pure function of (rule, metric window, current count, history) → decision with its reason.
 * Order: limits (min/max) → scale out (proportional, step-capped, tolerance) → cooldown → scale in
 * (step, flapping guard: the load of n VMs spread on fewer must stay below the scale-out threshold) → stabilization
 * (scale in only to the highest recommendation of the last stabilizationSeconds, like the HPA).
 */
export function decide(input: DecisionInput): DecisionResult {
  const { rule, current, history, now } = input;
  const make = (action: Decision['action'], desired: number, reason: string, detail: string, recommendation = desired): DecisionResult => ({
    decision: { action, desired, current, reason, detail },
    recommendation,
  });

  if (current < rule.minVms) return make('scaleOut', rule.minVms, 'below-min', `${current} VMs is below the minimum of ${rule.minVms}`);
  if (current > rule.maxVms) return make('scaleIn', rule.maxVms, 'above-max', `${current} VMs is above the maximum of ${rule.maxVms}`);
  if (input.window.length === 0) return make('none', current, 'no-metrics', 'no metric samples in the evaluation window');

  const cpu = average(input.window.map((s) => s.cpuPercent));
  const mem = average(input.window.map((s) => s.memoryPercent));
  const metrics = `CPU ${round1(cpu)} %, memory ${round1(mem)} %`;
  const inCooldown = history.lastScaleAt !== null && now - history.lastScaleAt < rule.cooldownSeconds * 1000;

  // Scale out: proportional like the HPA against the scale-out thresholds, the larger need of CPU and memory wins.
  const ratios = [
    cpu > rule.scaleOut.cpuPercent ? cpu / Math.max(rule.scaleOut.cpuPercent, 1e-9) : 0,
    mem > rule.scaleOut.memoryPercent ? mem / Math.max(rule.scaleOut.memoryPercent, 1e-9) : 0,
  ];
  const ratio = Math.max(...ratios);
  if (ratio > 0) {
    if (ratio <= 1 + TOLERANCE) return make('none', current, 'within-tolerance', `${metrics}: above the scale-out threshold by less than 10 %`);
    const proportional = Math.ceil(current * ratio);
    const desired = Math.min(rule.maxVms, current + rule.step, proportional);
    if (desired <= current) return make('none', current, 'at-max', `${metrics}: above the scale-out threshold but already at the maximum of ${rule.maxVms}`, proportional);
    if (inCooldown) return make('none', current, 'cooldown', `${metrics}: would scale out to ${desired}, but the last action was less than ${rule.cooldownSeconds} s ago`, desired);
    return make('scaleOut', desired, 'above-scale-out', `${metrics}: above the scale-out threshold (${rule.scaleOut.cpuPercent} % CPU, ${rule.scaleOut.memoryPercent} % memory)`);
  }

  const below = cpu < rule.scaleIn.cpuPercent && mem < rule.scaleIn.memoryPercent;
  if (!below) return make('none', current, 'in-band', `${metrics}: between the scale-in and scale-out thresholds`);
  if (current <= rule.minVms) return make('none', current, 'at-min', `${metrics}: below the scale-in threshold but already at the minimum of ${rule.minVms}`);

  // Flapping guard: the largest step down whose projected load (metric × n / desired) stays below the scale-out threshold.
  let desired = Math.max(rule.minVms, current - rule.step);
  const crosses = (n: number) =>
    (cpu * current) / n >= rule.scaleOut.cpuPercent || (mem * current) / n >= rule.scaleOut.memoryPercent;
  while (desired < current && crosses(desired)) desired++;
  if (desired >= current) {
    return make('none', current, 'flapping-guard', `${metrics}: one VM fewer would push the load above the scale-out threshold`);
  }
  if (inCooldown) return make('none', current, 'cooldown', `${metrics}: would scale in to ${desired}, but the last action was less than ${rule.cooldownSeconds} s ago`, desired);

  const since = now - rule.stabilizationSeconds * 1000;
  const recent = history.recommendations.filter((r) => r.at > since).map((r) => r.desired);
  const stabilized = Math.max(desired, ...recent);
  if (stabilized >= current) {
    return make('none', current, 'stabilizing', `${metrics}: below the scale-in threshold, but the last ${rule.stabilizationSeconds} s wanted ${stabilized} VMs`, desired);
  }
  return make('scaleIn', stabilized, 'below-scale-in', `${metrics}: below the scale-in threshold (${rule.scaleIn.cpuPercent} % CPU, ${rule.scaleIn.memoryPercent} % memory) for ${rule.stabilizationSeconds} s`, desired);
}
