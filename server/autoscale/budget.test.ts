import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { costEffect, guard, unpriced } from './budget';

/** Issue 14 item 6: a rule's monthly cost ceiling, each scale out priced with the org's rate card and showback's forecast. */

const IDS = DEMO_INFRA_IDS.acme;
const BASE = '/api/org/acme/autoscale';
const RULES = `${BASE}/rules`;
/** 10 EUR per vCPU-hour: the demo template (2 vCPU, 2 GB) costs 20.01 EUR an hour, so any hour left in the month counts. */
const RATES = { vcpuHour: 10, ramGbHour: 0.005, storageGbMonth: 0.08, functionInvocation: 0, functionGbSecond: 0 };
const VM_HOUR_CENTS = 2001;

describe('pricing a decision', () => {
  const spend = { currency: 'EUR', monthToDate: 10_000, forecast: 30_000, vcpuHour: 0.02, ramGbHour: 0.005 };
  const now = Date.UTC(2026, 11, 31, 12); // 12 hours left in December
  it('prices the added VMs until the end of the month and holds a load scale out over the ceiling, never the minimum', () => {
    const effect = costEffect(spend, { cpus: 2, memoryMb: 4096 }, { current: 2, desired: 4 }, 30_100, now);
    expect(effect).toMatchObject({ vmHourPrice: 6, vmsChange: 2, hoursLeftInMonth: 12, monthCostChange: 144, forecastAfter: 30_144, held: false });
    const load = { action: 'scaleOut' as const, current: 2, desired: 4, reason: 'above-scale-out', detail: 'CPU 90 %' };
    const held = guard(load, effect);
    expect(held.decision).toMatchObject({ action: 'none', desired: 2, reason: 'over-budget' });
    expect(held.decision.detail).toContain('crosses the monthly ceiling of 301.00 EUR');
    expect(held.effect.held).toBe(true);
    expect(guard({ ...load, reason: 'below-min' }, effect).decision.action).toBe('scaleOut');
    expect(guard(load, { ...effect, ceiling: 30_144 }).decision.action).toBe('scaleOut');
  });

  it('holds a load scale out it cannot price when the rule has a ceiling, and lets it be without one', () => {
    const load = { action: 'scaleOut' as const, current: 2, desired: 3, reason: 'above-scale-out', detail: 'CPU 90 %' };
    expect(unpriced(load, 50_000, 'showback is down')).toMatchObject({ action: 'none', desired: 2, reason: 'budget-unpriced', detail: 'scale out to 3 held by the budget guard: it cannot be priced (showback is down)' });
    expect(unpriced(load, undefined, 'showback is down')).toBe(load);
    expect(unpriced({ ...load, reason: 'below-min' }, 50_000, 'showback is down').action).toBe('scaleOut');
  });
});

describe.each(STORES)('the budget guard on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;
  let providerToken: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
    providerToken = await h.login('provider');
    provider = api(() => h.backend.url, providerToken);
    expect((await provider.put('/api/org/System/showback/ratecard', { currency: 'EUR', rates: RATES })).status).toBe(200);
    // 100.00 EUR spent today: with no complete day yet, the month-end forecast is the month to date.
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const row = { BilledCost: 100, BillingCurrency: 'EUR', ChargePeriodStart: `${today}T00:00:00Z`, ChargePeriodEnd: `${tomorrow}T00:00:00Z`, ServiceName: 'compute', ResourceId: 'vm-1', ResourceName: 'web-1' };
    expect((await acme.post('/api/org/acme/showback/imports', { rows: [row] })).status).toBeLessThan(300);
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(RULES))).items as { id: string }[]) await acme.delete(`${RULES}/${r.id}`);
    await setLoad(100);
  });

  const setLoad = async (load: number) => {
    const res = await fetch(`${h.mock.url}/mock/admin/vapps/${IDS.vapp}/load`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${providerToken}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      body: JSON.stringify({ load }),
    });
    expect(res.status).toBe(200);
  };
  const hot = { scaleOut: { cpuPercent: 70, memoryPercent: 90 }, scaleIn: { cpuPercent: 20, memoryPercent: 40 }, minVms: 2, maxVms: 4, cooldownSeconds: 0 };
  const alert = (name: string, id: string) => ({ alertId: id, alertName: 'group CPU', status: 'ACTIVE', resourceName: name, resourceKind: 'Environment' });

  it('holds a scale out that would cross the ceiling and journals it with the numbers; the vApp keeps its VMs', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(IDS, { name: 'capped', ...hot, monthlyCostCeiling: 10_001 })));
    expect(rule.monthlyCostCeiling).toBe(10_001);
    await setLoad(180);
    const dry = await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}));
    expect(dry.decision).toMatchObject({ action: 'none', reason: 'over-budget', current: 2, desired: 2 });
    expect(dry.cost).toMatchObject({ currency: 'EUR', template: { cpus: 2, memoryMb: 2048 }, vmHourPrice: VM_HOUR_CENTS, vmsChange: 1, monthToDate: 10_000, forecast: 10_000, ceiling: 10_001, held: true });
    expect(dry.cost.forecastAfter).toBe(10_000 + dry.cost.monthCostChange);

    const receipt = await jsonOf(await acme.post(`${BASE}/alerts`, alert('capped', 'hot-budget')));
    expect(receipt.rules[0].decision).toMatchObject({ action: 'none', reason: 'over-budget' });
    const events = (await jsonOf(await acme.get(`${RULES}/${rule.id}/events`))).items as { kind: string; message: string; data: Record<string, any> }[];
    const decision = events.find((e) => e.kind === 'decision');
    expect(decision?.message).toMatch(/held by the budget guard: month to date 100\.00 EUR, forecast 100\.00 EUR \+ 1 VM × 20\.01 EUR\/h/);
    expect(decision?.data.cost).toMatchObject({ monthToDate: 10_000, forecast: 10_000, vmHourPrice: VM_HOUR_CENTS, ceiling: 10_001, held: true });
    expect(events.some((e) => e.kind === 'step' || e.kind === 'result')).toBe(false);
    expect((await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}))).metrics.vms).toBe(2);
  });

  it('shows the cost effect of a scale out within the ceiling in the dry run and lets it happen', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(IDS, { name: 'roomy', ...hot, monthlyCostCeiling: 100_000_000 })));
    await setLoad(180);
    const dry = await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}));
    expect(dry.decision).toMatchObject({ action: 'scaleOut', desired: 3 });
    expect(dry.cost).toMatchObject({ vmsChange: 1, held: false, ceiling: 100_000_000 });
    expect(dry.cost.monthCostChange).toBeGreaterThan(0);
    const receipt = await jsonOf(await acme.post(`${BASE}/alerts`, alert('roomy', 'hot-roomy')));
    expect(receipt.rules[0].decision).toMatchObject({ action: 'scaleOut', desired: 3 });
    // The scale out runs: its VM joins the vApp.
    for (let i = 0; i < 400; i++) {
      const events = (await jsonOf(await acme.get(`${RULES}/${rule.id}/events?limit=100`))).items as { kind: string; message: string }[];
      const done = events.find((e) => e.kind === 'result' || e.kind === 'error');
      if (done) return expect(done).toMatchObject({ kind: 'result', message: 'scaleOut done: web-as-1' });
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the scale out never finished');
  });

  it('rejects a ceiling below the month so far with 400 naming the field, on create and on edit; null takes it away', async () => {
    const low = await acme.post(RULES, ruleFor(IDS, { name: 'low', monthlyCostCeiling: 9_999 }));
    expect(low.status).toBe(400);
    const problem = await problemOf(low);
    expect(problem.errors).toEqual([{ path: 'monthlyCostCeiling', message: "must not be below this month's spend so far (100.00 EUR)" }]);
    const rule = await jsonOf(await acme.post(RULES, ruleFor(IDS, { name: 'edited', monthlyCostCeiling: 50_000 })));
    const edit = await acme.put(`${RULES}/${rule.id}`, { monthlyCostCeiling: 5_000 });
    expect(edit.status).toBe(400);
    expect((await problemOf(edit)).errors?.[0].path).toBe('monthlyCostCeiling');
    const cents = await acme.put(`${RULES}/${rule.id}`, { monthlyCostCeiling: 100.5 });
    expect((await problemOf(cents)).errors?.[0].path).toBe('monthlyCostCeiling');
    const cleared = await acme.put(`${RULES}/${rule.id}`, { monthlyCostCeiling: null });
    expect(cleared.status).toBe(200);
    expect((await jsonOf(cleared)).monthlyCostCeiling).toBeNull();
    const history = await jsonOf(await acme.get(`${RULES}/${rule.id}/history`));
    expect(history.items[0].changes).toEqual([{ field: 'monthlyCostCeiling', before: 50_000, after: null }]);
  });
});
