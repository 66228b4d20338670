import { describe, expect, it } from 'vitest';
import { project, replay, type HistoricSample, type ReplayRule } from './replay';

const MINUTE = 60_000;
const RULE: ReplayRule = {
  scaleOut: { cpuPercent: 70, memoryPercent: 90 },
  scaleIn: { cpuPercent: 20, memoryPercent: 40 },
  minVms: 2,
  maxVms: 6,
  step: 1,
  cooldownSeconds: 600,
  stabilizationSeconds: 900,
  evaluationSeconds: 60,
};

/** Samples every `stepMs` of a vApp that ran `vms` VMs, each at `cpu(t)` percent (memory a flat 30 %). */
function history(minutes: number, vms: number, cpu: (minute: number) => number, stepMs = MINUTE): HistoricSample[] {
  return Array.from({ length: (minutes * MINUTE) / stepMs }, (_, i) => ({ at: i * stepMs, cpuPercent: cpu((i * stepMs) / MINUTE), memoryPercent: 30, vms }));
}

describe('backtest replay', () => {
  it('counts a fixed fleet as its VMs times the hours and takes no action while the load stays in band', () => {
    const result = replay(RULE, history(121, 3, () => 50));
    expect(result.decisions).toEqual([]);
    expect(result.summary).toMatchObject({ vmHours: 6, actualVmHours: 6, minutesAboveScaleOut: 0, scaleOuts: 0, scaleIns: 0, peakVms: 3, samples: 121 });
  });

  it('spreads the historic load over the VMs the rule would have added, one step per cooldown, up to the maximum', () => {
    // Two VMs at 100 % for two hours against 60 %: a VM added at once, the next after the 10-minute cooldown, then
    // 4 VMs carry it at 50 %.
    const result = replay({ ...RULE, scaleOut: { cpuPercent: 60, memoryPercent: 90 } }, history(120, 2, () => 100));
    expect(result.decisions.map((d) => [d.at / MINUTE, d.action, d.from, d.to])).toEqual([
      [0, 'scaleOut', 2, 3],
      [10, 'scaleOut', 3, 4],
    ]);
    // Above 60 % while 3 VMs carried it (66.7 %): the 10 minutes of cooldown.
    expect(result.summary.minutesAboveScaleOut).toBe(10);
    expect(result.summary.peakVms).toBe(4);
    expect(result.summary.vmHours).toBeCloseTo((3 * 10 + 4 * 109) / 60, 2);
    expect(result.summary.actualVmHours).toBeCloseTo((2 * 119) / 60, 2);
    expect(project({ at: 0, cpuPercent: 100, memoryPercent: 30, vms: 2 }, 4)).toMatchObject({ cpuPercent: 50, memoryPercent: 15 });
  });

  it('counts the minutes the load stays above the scale-out threshold when the maximum holds it there', () => {
    const result = replay({ ...RULE, maxVms: 2 }, history(61, 2, () => 90));
    expect(result.decisions).toEqual([]);
    expect(result.summary.minutesAboveScaleOut).toBe(60);
  });

  it('scales in only after the stabilization window of low load, never below the minimum', () => {
    // 30 minutes hot on 2 VMs, then nearly idle: out to 3 and 4, back in one VM per cooldown once 15 quiet minutes passed.
    const result = replay(RULE, history(120, 2, (m) => (m < 30 ? 100 : 5)));
    const ins = result.decisions.filter((d) => d.action === 'scaleIn');
    expect(ins.length).toBeGreaterThan(0);
    // The last hot recommendation (minute 29) must have left the 15-minute window.
    expect(ins[0].at).toBeGreaterThanOrEqual(29 * MINUTE + RULE.stabilizationSeconds * 1000);
    expect(Math.min(...result.decisions.map((d) => d.to))).toBe(RULE.minVms);
    for (let i = 1; i < result.decisions.length; i++) expect(result.decisions[i].at - result.decisions[i - 1].at).toBeGreaterThanOrEqual(RULE.cooldownSeconds * 1000);
  });

  it('evaluates at most once per evaluationSeconds however dense the samples are', () => {
    const rule = { ...RULE, scaleOut: { cpuPercent: 10, memoryPercent: 90 }, scaleIn: { cpuPercent: 5, memoryPercent: 10 }, cooldownSeconds: 0, evaluationSeconds: 300, maxVms: 10 };
    const result = replay(rule, history(30, 2, () => 100, 20_000));
    expect(result.decisions.map((d) => d.at / MINUTE)).toEqual([0, 5, 10, 15, 20, 25]);
  });

  it('draws at most the asked number of points, oldest first, with the highest VM count of each bucket', () => {
    const result = replay(RULE, history(24 * 60, 2, (m) => (m % 240 < 60 ? 100 : 40)), 50);
    expect(result.points.length).toBeLessThanOrEqual(50);
    expect(result.points.map((p) => p.at)).toEqual([...result.points.map((p) => p.at)].sort((a, b) => a - b));
    expect(Math.max(...result.points.map((p) => p.vms))).toBe(result.summary.peakVms);
  });

  it('decides within the limits of the schedule window open at each sample, and lets the thresholds scale in after it closes', () => {
    // A quiet day (10 % CPU on 2 VMs) from midnight UTC; a window 08:00–10:00 UTC raises the floor to 4.
    const day = Date.UTC(2026, 11, 7);
    const quiet = history(12 * 60, 2, () => 10, 5 * MINUTE).map((s) => ({ ...s, at: day + s.at }));
    const rule = { ...RULE, minVms: 1, cooldownSeconds: 0, stabilizationSeconds: 0, schedules: [{ name: 'office', cron: '0 8 * * *', timezone: 'UTC', durationMinutes: 120, minVms: 4 }] };
    const result = replay(rule, quiet);
    const at = (h: number, m = 0) => day + h * 60 * MINUTE + m * MINUTE;
    expect(result.decisions[0]).toMatchObject({ at: at(0), action: 'scaleIn', from: 2, to: 1 });
    const open = result.decisions.find((d) => d.at === at(8));
    expect(open).toMatchObject({ action: 'scaleOut', from: 1, to: 4, reason: 'below-min' });
    expect(open?.detail).toContain('schedule window "office"');
    expect(result.decisions.filter((d) => d.at > at(8) && d.at < at(10))).toEqual([]);
    expect(result.decisions.find((d) => d.at >= at(10))).toMatchObject({ at: at(10), action: 'scaleIn', from: 4 });
    expect(result.summary.peakVms).toBe(4);
  });
});
