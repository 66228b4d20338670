import type { Ahead } from '../../contract/autoscale-budget';
import type { DecisionHistory, DecisionResult, DecisionRule } from './decide';

/** Reasons the forecast never overrides: the limits decide alone, and without a reading there is no current load. */
const KEPT = new Set(['below-min', 'above-max', 'no-metrics', 'cooldown']);

export interface AheadInput {
  /** The rule with the limits in force now (an open schedule window's). */
  rule: DecisionRule;
  /** VMs the forecast load implies `bufferMinutes` ahead. */
  forecastVms: number;
  bufferMinutes: number;
  at: number;
  history: DecisionHistory;
  now: number;
}

/**
 * Scaling ahead of the forecast (a rule's scheduleBufferMinutes): the decision is raised to the VMs the forecast
 * implies `bufferMinutes` ahead, step-capped, within the limits in force, after the cooldown; it never goes below
 * what the thresholds demand (a threshold scale out stays at least as large, a scale in stops at the forecast).
 */
export function scaleAhead(result: DecisionResult, input: AheadInput): DecisionResult & { ahead: Ahead } {
  const { rule, history, now } = input;
  const d = result.decision;
  const vms = Math.min(rule.maxVms, Math.max(rule.minVms, input.forecastVms));
  const ahead = { bufferMinutes: input.bufferMinutes, at: input.at, vms, applied: false };
  const why = `the forecast wants ${vms} VMs in ${input.bufferMinutes} min`;
  if (KEPT.has(d.reason)) return { ...result, ahead };
  const inCooldown = history.lastScaleAt !== null && now - history.lastScaleAt < rule.cooldownSeconds * 1000;
  const target = Math.min(vms, d.current + rule.step);
  const recommendation = Math.max(result.recommendation, vms);
  const applied = { ...ahead, applied: true };
  if (d.action === 'scaleOut') {
    if (target <= d.desired) return { ...result, ahead };
    return { decision: { ...d, desired: target, detail: `${d.detail}; ${why}` }, recommendation, ahead: applied };
  }
  if (d.action === 'scaleIn') {
    if (vms >= d.current) return { decision: { ...d, action: 'none', desired: d.current, reason: 'forecast-ahead', detail: `${d.detail}, but ${why}` }, recommendation, ahead: applied };
    if (vms > d.desired) return { decision: { ...d, desired: vms, detail: `${d.detail}; only to ${vms}: ${why}` }, recommendation, ahead: applied };
    return { ...result, ahead };
  }
  if (target <= d.current) return { ...result, ahead };
  if (inCooldown) return { decision: { ...d, reason: 'cooldown', detail: `${d.detail}; would scale out ahead to ${target} (${why}), but the last action was less than ${rule.cooldownSeconds} s ago` }, recommendation, ahead };
  return { decision: { ...d, action: 'scaleOut', desired: target, reason: 'forecast-ahead', detail: `${d.detail}; scaling ahead: ${why}` }, recommendation, ahead: applied };
}
