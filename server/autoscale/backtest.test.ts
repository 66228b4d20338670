import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { createVcdInfra } from '../vcd/infra';

const ACME = DEMO_INFRA_IDS.acme;
const GLOBEX = DEMO_INFRA_IDS.globex;
const BACKTEST = '/api/org/acme/autoscale/rules/backtest';

describe.each(STORES)('autoscale backtest on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let globexToken: string;

  beforeAll(async () => {
    // The mock's deterministic demo history: 30 days of working-day load on the demo VMs.
    h = await startHarness(kind, { mock: { infra: { demoHistoryDays: 30 } } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globexToken = await h.login('globex');
    globex = api(() => h.backend.url, globexToken);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('replays a week of the vApp’s history through a draft rule: weekday peaks scale it out, nights back in', async () => {
    const res = await acme.post(BACKTEST, { rule: ruleFor(ACME, { minVms: 2, maxVms: 4, cooldownSeconds: 300 }), days: 7 });
    expect(res.status).toBe(200);
    const bt = await jsonOf(res);
    expect(Date.parse(bt.to) - Date.parse(bt.from)).toBe(7 * 86_400_000);
    // One 5-minute sample per VM and slot for a week.
    expect(bt.summary.samples).toBeGreaterThanOrEqual(7 * 288 - 2);
    const actions = new Set(bt.decisions.map((d: { action: string }) => d.action));
    expect(actions).toEqual(new Set(['scaleOut', 'scaleIn']));
    expect(bt.summary.peakVms).toBeGreaterThan(2);
    expect(bt.summary.peakVms).toBeLessThanOrEqual(4);
    // The vApp really ran 2 VMs all week; the rule would have run more at the peaks, never fewer than its minimum of 2.
    expect(bt.summary.actualVmHours).toBeCloseTo(2 * 24 * 7, 0);
    expect(bt.summary.vmHours).toBeGreaterThan(bt.summary.actualVmHours);
    expect(bt.summary.vmHours).toBeLessThan(4 * 24 * 7);
    expect(bt.points.length).toBeGreaterThan(100);
    expect(bt.points.length).toBeLessThanOrEqual(300);
    for (const d of bt.decisions) expect(Math.abs(d.to - d.from)).toBe(1);
    // Priced at the default rate card for the template's 2 vCPU and 2 GB: 0.05 EUR (5 cents) a VM-hour.
    expect(bt.cost).toEqual({ currency: 'EUR', vmHourPrice: 5, cost: Math.round(bt.summary.vmHours * 5), actualCost: Math.round(bt.summary.actualVmHours * 5) });
    expect(bt.cost.cost).toBeGreaterThan(bt.cost.actualCost);
  });

  it('measures the minutes a rule capped at the vApp’s size leaves above its threshold, and a lax rule none', async () => {
    const capped = await jsonOf(await acme.post(BACKTEST, { rule: ruleFor(ACME, { minVms: 2, maxVms: 2 }), days: 7 }));
    expect(capped.decisions).toEqual([]);
    expect(capped.summary.vmHours).toBeCloseTo(capped.summary.actualVmHours, 1);
    // Five weekdays peak near 87 % CPU per VM: hours of each above 70 %.
    expect(capped.summary.minutesAboveScaleOut).toBeGreaterThan(5 * 60);
    const lax = await jsonOf(await acme.post(BACKTEST, { rule: ruleFor(ACME, { minVms: 2, maxVms: 2, scaleOut: { cpuPercent: 100, memoryPercent: 100 } }), days: 7 }));
    expect(lax.summary.minutesAboveScaleOut).toBe(0);
    // A longer window replays more.
    const month = await jsonOf(await acme.post(BACKTEST, { rule: ruleFor(ACME, { minVms: 2, maxVms: 2 }), days: 30 }));
    expect(month.summary.samples).toBeGreaterThan(4 * capped.summary.samples);
  });

  it('applies the draft’s schedule windows at each replayed time: a nightly floor of 3 VMs shows in its decisions and VM-hours', async () => {
    const base = { minVms: 2, maxVms: 4, cooldownSeconds: 300 };
    const plain = await jsonOf(await acme.post(BACKTEST, { rule: ruleFor(ACME, base), days: 7 }));
    const night = { name: 'night floor', cron: '0 0 * * *', timezone: 'UTC', durationMinutes: 360, minVms: 3 };
    const res = await acme.post(BACKTEST, { rule: ruleFor(ACME, { ...base, schedules: [night] }), days: 7 });
    expect(res.status).toBe(200);
    const scheduled = await jsonOf(res);
    const floors = scheduled.decisions.filter((d: { reason: string }) => d.reason === 'below-min');
    expect(floors.length).toBeGreaterThanOrEqual(6);
    for (const d of floors) {
      // Within the window (00:00–06:00 UTC): at its opening, or at the replay's first sample if that falls inside one.
      expect(new Date(d.at).getUTCHours()).toBeLessThan(6);
      expect(d).toMatchObject({ action: 'scaleOut', to: 3 });
      expect(d.detail).toContain('(schedule window "night floor": 3–4 VMs until');
    }
    // Six more hours a night on 3 VMs instead of 2.
    expect(scheduled.summary.vmHours - plain.summary.vmHours).toBeGreaterThan(6 * 6 * 0.9);
  });

  it('saves no rule', async () => {
    await acme.post(BACKTEST, { rule: ruleFor(ACME), days: 1 });
    expect((await jsonOf(await acme.get('/api/org/acme/autoscale/rules'))).total).toBe(0);
  });

  it.each([
    ['days of 0', { days: 0 }, 'days'],
    ['days above 30', { days: 31 }, 'days'],
    ['no days', { days: undefined }, 'days'],
    ['a fractional day', { days: 1.5 }, 'days'],
    ['a draft with crossed thresholds', { rule: ruleFor(ACME, { scaleIn: { cpuPercent: 80, memoryPercent: 30 } }) }, 'rule.scaleIn.cpuPercent'],
    ['a draft without its pool', { rule: ruleFor(ACME, { lbPoolName: undefined }) }, 'rule.lbPoolName'],
    ['no draft', { rule: undefined }, 'rule'],
    ['a draft window whose cron does not parse', { rule: ruleFor(ACME, { schedules: [{ cron: 'every day', durationMinutes: 60, minVms: 2 }] }) }, 'rule.schedules.0.cron'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('rejects %s with 400 naming the field', async (_what, extra, field) => {
    const res = await acme.post(BACKTEST, { rule: ruleFor(ACME), days: 7, ...extra });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain(field);
  });

  it("treats another org's vApp as absent: 400 naming rule.vAppId, none of its history", async () => {
    const res = await acme.post(BACKTEST, { rule: ruleFor(GLOBEX), days: 1 });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors).toEqual([{ path: 'rule.vAppId', message: 'no such vApp in this org' }]);
  });

  // Last: it deletes globex's only VM.
  it('answers 400 naming days when vCD has no samples of the vApp in the window', async () => {
    const vcd = createVcdInfra({ vcdUrl: h.mock.url });
    const vm = `urn:vcloud:vm:${GLOBEX.vms[0]}`;
    await vcd.powerOff(globexToken, vm);
    await vcd.deleteVm(globexToken, vm);
    const res = await globex.post('/api/org/globex/autoscale/rules/backtest', { rule: ruleFor(GLOBEX), days: 3 });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.errors?.map((e) => e.path)).toEqual(['days']);
    expect(problem.errors?.[0].message).toMatch(/no metric samples of vApp web in the last 3 day/);
  });
});
