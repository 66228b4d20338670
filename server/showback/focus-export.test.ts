import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCharges } from '../../mock-vcd/billing/demo-data';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';
import { FOCUS_EXPORT_COLUMNS, FOCUS_MANDATORY_COLUMNS } from './focus-export';

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const cents = (v: unknown) => Math.round(Number(v) * 100);
/** The columns that name where a row was kept (the org, the source), not what it cost. */
const WHERE = ['BillingAccountId', 'BillingAccountName', 'x_SourceId'];
const MONEY = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'];
const canonical = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !WHERE.includes(k)).map(([k, v]) => [k, MONEY.includes(k) ? cents(v) : v === null ? '' : String(v)])))
    .sort();

describe.each(STORES)('FOCUS export on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  const from = day(-45);
  const to = day(0);

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { bodyLimitBytes: 20 * 1024 * 1024 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    const source = await jsonOf(
      await acme.post('/api/org/acme/showback/sources', {
        kind: 'http',
        name: 'demo',
        schedule: '0 3 * * *',
        config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    );
    expect((await jsonOf(await acme.post(`/api/org/acme/showback/sources/${source.id}/run`, { from, to }))).status).toBe('succeeded');
  }, 180_000);
  afterAll(() => h?.close());

  it('exports one FOCUS 1.2 row per charge, every mandatory column, costs adding up to the dashboard to the cent', async () => {
    const res = await acme.get(`/api/org/acme/showback/export.focus.csv?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain(`focus-1.2-acme-${from}-${to}.csv`);
    const text = await res.text();
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const header = text.split('\r\n')[0].split(',');
    expect(header).toEqual([...FOCUS_EXPORT_COLUMNS]);
    for (const c of FOCUS_MANDATORY_COLUMNS) expect(header).toContain(c);
    const charges = demoCharges('acme', new Date(`${from}T00:00:00Z`), new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS));
    expect(rows).toHaveLength(charges.length);
    const daily = await jsonOf(await acme.get(`/api/org/acme/showback/daily?from=${from}&to=${to}`));
    const dashboard = daily.items.reduce((a: number, d: { total: number }) => a + d.total, 0);
    expect(rows.reduce((a, r) => a + cents(r.BilledCost), 0)).toBe(dashboard);
    for (const r of rows) {
      expect(r.BilledCost).toMatch(/^-?\d+\.\d{2}$/);
      expect([r.EffectiveCost, r.ListCost, r.ContractedCost]).toEqual([r.BilledCost, r.BilledCost, r.BilledCost]);
      expect(r).toMatchObject({ BillingAccountId: 'acme', ChargeCategory: 'Usage', BillingCurrency: 'EUR' });
      expect(Date.parse(r.ChargePeriodEnd)).toBeGreaterThan(Date.parse(r.ChargePeriodStart));
      expect(r.BillingPeriodStart.slice(0, 7)).toBe(r.ChargePeriodStart.slice(0, 7));
    }
    const shop = rows.find((r) => r.SubAccountName === 'web-shop');
    expect(shop).toMatchObject({ SubAccountType: 'vApp', ServiceCategory: expect.any(String) });
  });

  it('round-trips through the FOCUS import into a fresh org: the same days, services, vApps and rows', async () => {
    const csv = await (await acme.get(`/api/org/acme/showback/export.focus.csv?from=${from}&to=${to}`)).text();
    const imported = await globex.post('/api/org/globex/showback/imports', csv, { 'Content-Type': 'text/csv' });
    expect(imported.status).toBe(201);
    const original = parse(csv, { columns: true }) as Record<string, string>[];
    expect(await jsonOf(imported)).toMatchObject({ rows: original.length, written: original.length });

    const daily = async (c: typeof acme, org: string) => (await jsonOf(await c.get(`/api/org/${org}/showback/daily?from=${from}&to=${to}`))).items;
    expect(await daily(globex, 'globex')).toEqual(await daily(acme, 'acme'));
    for (const by of ['service', 'vapp']) {
      const of = async (c: typeof acme, org: string) => (await jsonOf(await c.get(`/api/org/${org}/showback/breakdown?by=${by}&top=100&from=${from}&to=${to}`))).items;
      expect(await of(globex, 'globex'), by).toEqual(await of(acme, 'acme'));
    }
    const again = parse(await (await globex.get(`/api/org/globex/showback/export.focus.csv?from=${from}&to=${to}`)).text(), { columns: true }) as Record<string, string>[];
    expect(canonical(again)).toEqual(canonical(original));
  });

  it('exports the same rows as JSON, which the import reads back to the same totals', async () => {
    const json = await jsonOf(await acme.get(`/api/org/acme/showback/export.focus.json?from=${day(-3)}&to=${day(-1)}`));
    expect(json.focusVersion).toBe('1.2');
    expect(json.columns).toEqual([...FOCUS_EXPORT_COLUMNS]);
    expect(typeof json.rows[0].BilledCost).toBe('number');
    const csv = parse(await (await acme.get(`/api/org/acme/showback/export.focus.csv?from=${day(-3)}&to=${day(-1)}`)).text(), { columns: true }) as Record<string, string>[];
    expect(canonical(json.rows)).toEqual(canonical(csv));
    // Already imported as CSV above: the same charges again write nothing, and the totals stay.
    const res = await jsonOf(await globex.post('/api/org/globex/showback/imports', { rows: json.rows }));
    expect(res).toMatchObject({ rows: json.rows.length, written: 0, total: json.rows.reduce((a: number, r: { BilledCost: number }) => a + cents(r.BilledCost), 0) });
  });

  it('answers a bad range with a problem naming the field', async () => {
    for (const [q, path] of [['from=2025-13-01', 'from'], [`from=${day(0)}&to=${day(-1)}`, 'to'], ['planet=mars', 'planet']]) {
      const res = await acme.get(`/api/org/acme/showback/export.focus.json?${q}`);
      expect(res.status, q).toBe(400);
      expect((await jsonOf(res)).errors.map((e: { path: string }) => e.path), q).toContain(path);
    }
  });
});
