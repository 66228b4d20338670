import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { forecastDemand, forecastMape, impliedVms } from './forecast';
import type { HistoricSample } from './replay';

/** Issue 14 item 4, forecast only: the vApp's load for the next hours and the VMs it implies. */

const BASE = '/api/org/acme/autoscale';
const HOUR = 3_600_000;

/** A week of 5-minute samples of a daily wave (busy at noon) on `vms` VMs. */
function wave(days: number, vms: number, end: number): HistoricSample[] {
  const out: HistoricSample[] = [];
  for (let at = end - days * 24 * HOUR; at <= end; at += 5 * 60_000) {
    const hour = (at % (24 * HOUR)) / HOUR;
    const cpu = 40 + 30 * Math.sin(((hour - 6) / 24) * 2 * Math.PI);
    out.push({ at, cpuPercent: cpu, memoryPercent: cpu / 2, vms });
  }
  return out;
}

describe('the load forecast', () => {
  const end = Date.UTC(2026, 0, 8, 6);
  it('follows the daily pattern: a wave repeating each day is forecast within a few percent', () => {
    expect(forecastMape(wave(7, 2, end), 6)).toBeLessThan(3);
  });

  it('scales the pattern by how busy the last hour was against it, and says how many VMs that needs', () => {
    const history = wave(7, 2, end).map((s) => (s.at > end - HOUR ? { ...s, cpuPercent: s.cpuPercent * 1.5 } : s));
    const [next] = forecastDemand(history, end, 1);
    const usual = forecastDemand(wave(7, 2, end), end, 1)[0];
    expect(next.cpu / usual.cpu).toBeCloseTo(1.5, 1);
    const rule = { scaleOut: { cpuPercent: 50, memoryPercent: 90 }, minVms: 1, maxVms: 4 };
    expect(impliedVms(rule, { cpu: 120, mem: 60 })).toBe(3);
    expect(impliedVms(rule, { cpu: 900, mem: 60 })).toBe(4);
    expect(impliedVms(rule, { cpu: 0, mem: 0 })).toBe(1);
  });
});

describe.each(STORES)('GET rules/{id}/forecast on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { mock: { infra: { demoHistoryDays: 7 } } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
  });
  afterAll(() => h?.close());
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(`${BASE}/rules`))).items as { id: string }[]) await acme.delete(`${BASE}/rules/${r.id}`);
  });

  it("forecasts the vApp's load every 5 minutes for the asked hours from its demo history, with the VMs it implies", async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, ruleFor(DEMO_INFRA_IDS.acme, { name: 'ahead', minVms: 1, maxVms: 6 })));
    const res = await acme.get(`${BASE}/rules/${rule.id}/forecast?hours=3`);
    expect(res.status).toBe(200);
    const forecast = await jsonOf(res);
    expect(forecast).toMatchObject({ rule: rule.id, currentVms: 2 });
    expect(forecast.samples).toBeGreaterThan(100);
    expect(forecast.points).toHaveLength(36);
    for (const p of forecast.points) {
      expect(p.vms).toBeGreaterThanOrEqual(1);
      expect(p.vms).toBeLessThanOrEqual(6);
      expect(p.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(p.cpuPercent).toBeLessThanOrEqual(100);
    }
    expect(forecast.points[1].at - forecast.points[0].at).toBe(5 * 60_000);
  });

  it.each([
    ['hours=0', 'hours'],
    ['hours=25', 'hours'],
    ['days=15', 'days'],
    ['colour=red', 'colour'],
  ])('rejects %s with 400 naming the field', async (query, field) => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, ruleFor(DEMO_INFRA_IDS.acme, { name: 'bad-query' })));
    const res = await acme.get(`${BASE}/rules/${rule.id}/forecast?${query}`);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain(field);
  });

  it("answers 404 for another org's rule, as if it did not exist", async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, ruleFor(DEMO_INFRA_IDS.acme, { name: 'private' })));
    const res = await globex.get(`/api/org/globex/autoscale/rules/${rule.id}/forecast`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
