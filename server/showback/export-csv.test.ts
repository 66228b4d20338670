import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText } from '../http/csv';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';

/**
 * Issue 19: a tenant's FOCUS import (or source name) cannot plant a formula in a CSV another user opens in a
 * spreadsheet: showback's export.csv, the FOCUS export and the provider's tenants.csv. Real numbers stay numbers,
 * and the FOCUS export imports back as the same names and totals.
 */

const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const RANGE = `from=${today}&to=${today}`;
const HYPERLINK = '=HYPERLINK("http://evil","x")';
const CALC = "=cmd|'/C calc'!A0";

/** A CSV import (its cells as a tenant's tool wrote them) and a JSON one: CSV import trims a cell's outer tab or CR. */
const FOCUS_CSV = [
  'BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName,ConsumedQuantity,ConsumedUnit',
  `5.00,EUR,${today}T00:00:00Z,${tomorrow}T00:00:00Z,"=HYPERLINK(""http://evil"",""x"")",q-1,${CALC},1250,calls`,
  `-12.50,EUR,${today}T00:00:00Z,${tomorrow}T00:00:00Z,credit,@SUM(1+1),+1+1,-3,-calls`,
].join('\n');
const FOCUS_JSON = {
  rows: [{ BilledCost: 1.25, BillingCurrency: 'EUR', ChargePeriodStart: `${today}T00:00:00Z`, ChargePeriodEnd: `${tomorrow}T00:00:00Z`, ServiceName: '-2+3', ResourceId: '\r=3+4', ResourceName: '\t=1+2', ConsumedQuantity: 2, ConsumedUnit: 'calls' }],
};
/** Every text the imports above planted, as a user would see it in the dashboard. */
const PLANTED = [HYPERLINK, CALC, '@SUM(1+1)', '+1+1', '-calls', '-2+3', '\r=3+4', '\t=1+2'];

type Table = { header: string[]; rows: string[][] };
const tableOf = (csv: string): Table => {
  const [header, ...rows] = parse(csv) as string[][];
  return { header, rows };
};
const column = (t: Table, name: string) => t.rows.map((r) => r[t.header.indexOf(name)]);
/** No cell a spreadsheet would start a formula from: every lead is behind a ', only plain numbers begin with -. */
function formulaFree(t: Table): void {
  for (const cell of [...t.header, ...t.rows.flat()]) expect(cell, JSON.stringify(cell)).not.toMatch(/^[ ]*[=+@\t\r]|^-(?!\d+(\.\d+)?$)/);
}
/** The planted texts are all there, each behind the ' that makes a spreadsheet show it as text. */
function neutralised(t: Table): void {
  const cells = new Set(t.rows.flat());
  for (const text of PLANTED) expect(cells.has(`'${text}`), JSON.stringify(text)).toBe(true);
}

describe.each(STORES)('CSV exports of formula rows on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { showbackRetryBaseMs: 600_000, showbackHttpAllowedHosts: '127.0.0.1:9' } });
    [acme, globex, provider] = (await Promise.all([h.login('acme'), h.login('globex'), h.login('provider')])).map((t) => api(() => h.backend.url, t));
    const imported = await acme.post('/api/org/acme/showback/imports', FOCUS_CSV, { 'Content-Type': 'text/csv' });
    expect(imported.status).toBe(201);
    expect(await jsonOf(imported)).toMatchObject({ rows: 2, written: 2 });
    expect(await jsonOf(await acme.post('/api/org/acme/showback/imports', FOCUS_JSON))).toMatchObject({ rows: 1, written: 1 });
  }, 180_000);
  afterAll(() => h?.close());

  it('exports imported formulas as text in export.csv, and costs, credits included, as numbers', async () => {
    const res = await acme.get(`/api/org/acme/showback/export.csv?${RANGE}`);
    expect(res.status).toBe(200);
    const t = tableOf(await res.text());
    formulaFree(t);
    neutralised(t);
    const byService = (s: string) => t.rows.find((r) => r[t.header.indexOf('ServiceName')] === s)!;
    expect(byService(`'${HYPERLINK}`)[t.header.indexOf('ResourceName')]).toBe(`'${CALC}`);
    expect(byService('credit')[t.header.indexOf('ResourceName')]).toBe(`'+1+1`);
    expect(column(t, 'BilledCost').sort()).toEqual(['-12.50', '1.25', '5.00']);
    expect(column(t, 'ConsumedQuantity').map(Number).sort((a, b) => a - b)).toEqual([-3, 2, 1250]);
  });

  it('exports the same rows in the FOCUS export as text, money and quantities as numbers', async () => {
    const res = await acme.get(`/api/org/acme/showback/export.focus.csv?${RANGE}`);
    expect(res.status).toBe(200);
    const t = tableOf(await res.text());
    expect(t.rows).toHaveLength(3);
    formulaFree(t);
    neutralised(t);
    for (const money of ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']) expect(column(t, money).sort(), money).toEqual(['-12.50', '1.25', '5.00']);
    expect(column(t, 'ConsumedQuantity').map(Number).sort((a, b) => a - b)).toEqual([-3, 2, 1250]);
    // The description is built from the service's name, so it starts with the formula too.
    expect(column(t, 'ChargeDescription')).toContain(`'${HYPERLINK} · ${CALC}`);
  });

  it('imports the FOCUS export back as the same names and totals: the importer takes off the \' the export put on', async () => {
    const csv = await (await acme.get(`/api/org/acme/showback/export.focus.csv?${RANGE}`)).text();
    const imported = await globex.post('/api/org/globex/showback/imports', csv, { 'Content-Type': 'text/csv' });
    expect(imported.status).toBe(201);
    expect(await jsonOf(imported)).toMatchObject({ rows: 3, written: 3, total: -625 });
    const services = async (c: typeof acme, org: string) =>
      (await jsonOf(await c.get(`/api/org/${org}/showback/breakdown?by=service&top=100&${RANGE}`))).items.map((i: { name: string; cost: number }) => [i.name, i.cost]);
    expect(await services(globex, 'globex')).toEqual(await services(acme, 'acme'));
    expect((await services(globex, 'globex')).map(([name]: [string]) => name).sort()).toEqual([HYPERLINK, '-2+3', 'credit'].sort());
    const daily = async (c: typeof acme, org: string) => (await jsonOf(await c.get(`/api/org/${org}/showback/daily?${RANGE}`))).items;
    expect(await daily(globex, 'globex')).toEqual(await daily(acme, 'acme'));
    // The names came back exactly, so globex's export is acme's but for the account columns.
    const again = await (await globex.get(`/api/org/globex/showback/export.focus.csv?${RANGE}`)).text();
    const lines = (text: string, org: string) => text.replaceAll(org, 'ORG').split('\r\n').sort();
    expect(lines(again, 'globex')).toEqual(lines(csv, 'acme'));
    // The JSON export (no ' anywhere) is the same charges: importing it too writes nothing new.
    const json = await jsonOf(await acme.get(`/api/org/acme/showback/export.focus.json?${RANGE}`));
    expect(await jsonOf(await globex.post('/api/org/globex/showback/imports', { rows: json.rows }))).toMatchObject({ rows: 3, written: 0 });
  });

  it("neutralises tenants' source names in the provider's tenants.csv and keeps a negative month to date a number", async () => {
    for (const name of ['=HYPERLINK("x")', '+SUM(1)', '-1+1', '@A1']) {
      const source = await jsonOf(
        await acme.post('/api/org/acme/showback/sources', { kind: 'http', name, schedule: '0 3 * * *', config: { url: 'http://127.0.0.1:9/c?from={from}' } }),
      );
      expect((await jsonOf(await acme.post(`/api/org/acme/showback/sources/${source.id}/run`, {}))).status, name).toBe('failed');
    }
    const res = await provider.get('/api/org/System/provider/tenants.csv');
    expect(res.status).toBe(200);
    const t = tableOf(await res.text());
    formulaFree(t);
    const acmeRow = t.rows.find((r) => r[0] === 'acme')!;
    const cell = (name: string) => acmeRow[t.header.indexOf(name)];
    expect(cell('MonthToDate')).toBe('-6.25');
    // One cell, the names joined: it begins with a formula lead whichever comes first, so the cell is neutralised.
    expect(cell('StaleSources')).toMatch(/^'/);
    expect(csvText(cell('StaleSources')).split('; ').sort()).toEqual(['=HYPERLINK("x")', '+SUM(1)', '-1+1', '@A1'].sort());
  });
});
