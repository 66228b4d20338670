import { describe, expect, it } from 'vitest';
import { decide, type DecisionHistory, type DecisionRule } from './decide';

const RULE: DecisionRule = {
  scaleOut: { cpuPercent: 70, memoryPercent: 80 },
  scaleIn: { cpuPercent: 20, memoryPercent: 40 },
  minVms: 1,
  maxVms: 6,
  step: 2,
  cooldownSeconds: 60,
  stabilizationSeconds: 300,
};
const NOW = 1_000_000_000;
const QUIET: DecisionHistory = { lastScaleAt: null, recommendations: [] };
const window = (cpu: number, mem = 30) => [
  { at: NOW - 20_000, cpuPercent: cpu, memoryPercent: mem },
  { at: NOW, cpuPercent: cpu, memoryPercent: mem },
];

type Row = {
  name: string;
  rule?: Partial<DecisionRule>;
  cpu?: number;
  mem?: number;
  current: number;
  history?: DecisionHistory;
  empty?: boolean;
  action: string;
  desired: number;
  reason: string;
};

const TABLE: Row[] = [
  { name: 'scales out to the minimum when below it', current: 0, cpu: 10, rule: { minVms: 2 }, action: 'scaleOut', desired: 2, reason: 'below-min' },
  { name: 'scales in to the maximum when above it', current: 8, cpu: 90, action: 'scaleIn', desired: 6, reason: 'above-max' },
  { name: 'does nothing without samples', current: 2, empty: true, action: 'none', desired: 2, reason: 'no-metrics' },
  { name: 'scales out proportionally (ceil(2 × 91/70) = 3)', current: 2, cpu: 91, action: 'scaleOut', desired: 3, reason: 'above-scale-out' },
  { name: 'caps a scale out at the step', current: 2, cpu: 200, action: 'scaleOut', desired: 4, reason: 'above-scale-out' },
  { name: 'caps a scale out at the maximum', current: 5, cpu: 200, action: 'scaleOut', desired: 6, reason: 'above-scale-out' },
  { name: 'scales out on memory alone', current: 1, cpu: 10, mem: 95, action: 'scaleOut', desired: 2, reason: 'above-scale-out' },
  { name: 'ignores an excess within the 10 % tolerance', current: 2, cpu: 76, action: 'none', desired: 2, reason: 'within-tolerance' },
  { name: 'does not scale out past the maximum', current: 6, cpu: 95, action: 'none', desired: 6, reason: 'at-max' },
  {
    name: 'waits for the cooldown before scaling out again',
    current: 2,
    cpu: 95,
    history: { lastScaleAt: NOW - 30_000, recommendations: [] },
    action: 'none',
    desired: 2,
    reason: 'cooldown',
  },
  {
    name: 'scales out again once the cooldown has passed',
    current: 2,
    cpu: 95,
    history: { lastScaleAt: NOW - 61_000, recommendations: [] },
    action: 'scaleOut',
    desired: 3,
    reason: 'above-scale-out',
  },
  { name: 'holds between the thresholds', current: 3, cpu: 40, action: 'none', desired: 3, reason: 'in-band' },
  { name: 'does not scale in when only CPU is low', current: 3, cpu: 10, mem: 60, action: 'none', desired: 3, reason: 'in-band' },
  { name: 'scales in by the step when both are low', current: 4, cpu: 10, action: 'scaleIn', desired: 2, reason: 'below-scale-in' },
  { name: 'does not scale in below the minimum', current: 1, cpu: 5, action: 'none', desired: 1, reason: 'at-min' },
  {
    name: 'shrinks the step when the smaller group would cross the scale-out threshold',
    current: 3,
    cpu: 19,
    rule: { scaleOut: { cpuPercent: 40, memoryPercent: 80 }, step: 2 },
    // 19 × 3/1 = 57 ≥ 40 but 19 × 3/2 = 28.5 < 40
    action: 'scaleIn',
    desired: 2,
    reason: 'below-scale-in',
  },
  {
    name: 'refuses a scale in that would flap (metric × n/(n−1) crosses the scale-out threshold)',
    current: 2,
    cpu: 19,
    rule: { scaleOut: { cpuPercent: 30, memoryPercent: 80 } },
    action: 'none',
    desired: 2,
    reason: 'flapping-guard',
  },
  {
    name: 'waits for the cooldown before scaling in',
    current: 3,
    cpu: 5,
    history: { lastScaleAt: NOW - 10_000, recommendations: [] },
    action: 'none',
    desired: 3,
    reason: 'cooldown',
  },
  {
    name: 'holds a scale in while the stabilization window remembers a higher recommendation',
    current: 3,
    cpu: 5,
    history: { lastScaleAt: NOW - 400_000, recommendations: [{ at: NOW - 100_000, desired: 3 }] },
    action: 'none',
    desired: 3,
    reason: 'stabilizing',
  },
  {
    name: 'scales in only to the highest recommendation of the stabilization window',
    current: 4,
    cpu: 5,
    history: { lastScaleAt: null, recommendations: [{ at: NOW - 100_000, desired: 3 }] },
    action: 'scaleIn',
    desired: 3,
    reason: 'below-scale-in',
  },
  {
    name: 'forgets recommendations older than the stabilization window',
    current: 3,
    cpu: 5,
    mem: 10,
    history: { lastScaleAt: null, recommendations: [{ at: NOW - 301_000, desired: 5 }] },
    action: 'scaleIn',
    desired: 1,
    reason: 'below-scale-in',
  },
];

describe('autoscale decision engine', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const { decision } = decide({
        rule: { ...RULE, ...row.rule },
        window: row.empty ? [] : window(row.cpu ?? 50, row.mem),
        current: row.current,
        history: row.history ?? QUIET,
        now: NOW,
      });
      expect({ action: decision.action, desired: decision.desired, reason: decision.reason }).toEqual({
        action: row.action,
        desired: row.desired,
        reason: row.reason,
      });
      expect(decision.current).toBe(row.current);
      expect(decision.detail.length).toBeGreaterThan(0);
    });
  }

  it('averages the window rather than reading the last sample', () => {
    const { decision } = decide({
      rule: RULE,
      window: [
        { at: NOW - 20_000, cpuPercent: 10, memoryPercent: 30 },
        { at: NOW, cpuPercent: 90, memoryPercent: 30 },
      ],
      current: 2,
      history: QUIET,
      now: NOW,
    });
    expect(decision.reason).toBe('in-band');
  });

  it('reports the raw recommendation of a held scale in so the next call remembers it', () => {
    const result = decide({
      rule: RULE,
      window: window(5, 10),
      current: 3,
      history: { lastScaleAt: null, recommendations: [{ at: NOW - 1000, desired: 3 }] },
      now: NOW,
    });
    expect(result.decision.action).toBe('none');
    expect(result.recommendation).toBe(1);
  });
});
