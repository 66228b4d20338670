import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { scaleAhead } from './ahead';
import { decide, type DecisionHistory, type DecisionRule } from './decide';

/** Issue 14 item 4, the opt-in: scaling ahead of the forecast (scheduleBufferMinutes), never below the thresholds. */

const RULE: DecisionRule = { scaleOut: { cpuPercent: 70, memoryPercent: 90 }, scaleIn: { cpuPercent: 20, memoryPercent: 40 }, minVms: 1, maxVms: 6, step: 2, cooldownSeconds: 60, stabilizationSeconds: 0 };
const NOW = Date.UTC(2026, 11, 7, 7, 30);
const fresh: DecisionHistory = { lastScaleAt: null, recommendations: [] };
const at = (cpu: number, current: number, history = fresh, rule = RULE) =>
  decide({ rule, window: [{ at: NOW, cpuPercent: cpu, memoryPercent: 30 }], current, history, now: NOW });
const ahead = (result: ReturnType<typeof decide>, forecastVms: number, history = fresh, rule = RULE) =>
  scaleAhead(result, { rule, forecastVms, bufferMinutes: 30, at: NOW + 30 * 60_000, history, now: NOW });

describe('scaling ahead of the forecast', () => {
  it('scales out ahead when the load is in band but the forecast wants more VMs, step-capped', () => {
    const out = ahead(at(50, 2), 5);
    expect(out.decision).toMatchObject({ action: 'scaleOut', current: 2, desired: 4, reason: 'forecast-ahead' });
    expect(out.decision.detail).toContain('the forecast wants 5 VMs in 30 min');
    expect(out.ahead).toMatchObject({ vms: 5, applied: true });
  });

  it('never goes below what the thresholds demand: a larger threshold scale out stays, a scale in stops at the forecast', () => {
    expect(ahead(at(95, 2), 1).decision).toMatchObject({ action: 'scaleOut', desired: 3, reason: 'above-scale-out' });
    expect(ahead(at(5, 4), 4).decision).toMatchObject({ action: 'none', desired: 4, reason: 'forecast-ahead' });
    expect(ahead(at(5, 4), 3).decision).toMatchObject({ action: 'scaleIn', desired: 3 });
    expect(ahead(at(5, 4), 1).decision).toMatchObject({ action: 'scaleIn', desired: 2, reason: 'below-scale-in' });
  });

  it('stays within the limits in force (a window lowering the ceiling) and waits out the cooldown', () => {
    const window = { ...RULE, maxVms: 3 };
    expect(ahead(at(50, 2, fresh, window), 9, fresh, window).decision).toMatchObject({ action: 'scaleOut', desired: 3 });
    const recent = { lastScaleAt: NOW - 10_000, recommendations: [] };
    expect(ahead(at(50, 2, recent), 5, recent).decision).toMatchObject({ action: 'none', reason: 'cooldown' });
    expect(ahead(at(50, 2, recent), 5, recent).ahead.applied).toBe(false);
  });
});

const IDS = DEMO_INFRA_IDS.acme;
const RULES = '/api/org/acme/autoscale/rules';

describe.each(STORES)('scheduleBufferMinutes on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let providerToken: string;

  beforeAll(async () => {
    h = await startHarness(kind, { mock: { infra: { demoHistoryDays: 7 } } });
    acme = api(() => h.backend.url, await h.login('acme'));
    providerToken = await h.login('provider');
    // No load now: each VM idles at 2 % CPU, in band; the demo history's daily pattern never drops that low.
    const res = await fetch(`${h.mock.url}/mock/admin/vapps/${IDS.vapp}/load`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${providerToken}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      body: JSON.stringify({ load: 0 }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(RULES))).items as { id: string }[]) await acme.delete(`${RULES}/${r.id}`);
  });

  const quiet = { scaleOut: { cpuPercent: 2.5, memoryPercent: 90 }, scaleIn: { cpuPercent: 1, memoryPercent: 10 }, minVms: 1, maxVms: 4, step: 1 };

  it('scales out ahead of the forecast in the dry run, where the thresholds alone would wait', async () => {
    const plain = await jsonOf(await acme.post(RULES, ruleFor(IDS, { name: 'plain', ...quiet })));
    const dryPlain = await jsonOf(await acme.post(`${RULES}/${plain.id}/dry-run`, {}));
    expect(dryPlain.decision).toMatchObject({ action: 'none', reason: 'in-band', current: 2 });
    expect(dryPlain.ahead).toBeNull();
    await acme.delete(`${RULES}/${plain.id}`);

    const early = await jsonOf(await acme.post(RULES, ruleFor(IDS, { name: 'early', ...quiet, scheduleBufferMinutes: 30 })));
    expect(early.scheduleBufferMinutes).toBe(30);
    const dry = await jsonOf(await acme.post(`${RULES}/${early.id}/dry-run`, {}));
    expect(dry.decision).toMatchObject({ action: 'scaleOut', reason: 'forecast-ahead', current: 2, desired: 3 });
    expect(dry.ahead).toMatchObject({ bufferMinutes: 30, applied: true });
    expect(dry.ahead.vms).toBeGreaterThanOrEqual(3);
    expect(dry.ahead.at).toBeGreaterThan(Date.now());
  });

  it.each([[2], [721], [7.5]])('rejects scheduleBufferMinutes %s with 400 naming the field', async (minutes) => {
    const res = await acme.post(RULES, ruleFor(IDS, { name: 'bad', scheduleBufferMinutes: minutes }));
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['scheduleBufferMinutes']);
  });
});
