import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';

/** Issue 19: a tenant's FOCUS import cannot plant a formula in the export another user opens in a spreadsheet. */

const SB = '/api/org/acme/showback';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe.each(STORES)('showback export.csv on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 60_000);
  afterAll(() => h?.close());

  it('exports imported formulas as text and costs, credits included, as numbers', async () => {
    const focus = [
      'BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName,ConsumedQuantity,ConsumedUnit',
      `12.50,EUR,${day(-1)}T00:00:00Z,${day(0)}T00:00:00Z,"=HYPERLINK(""http://evil"",""x"")",q-1,=cmd|'/C calc'!A0,1250,calls`,
      `-12.50,EUR,${day(-1)}T00:00:00Z,${day(0)}T00:00:00Z,credit,@SUM(1+1),+1+1,-3,-calls`,
    ].join('\n');
    const imported = await acme.post(`${SB}/imports`, focus, { 'Content-Type': 'text/csv' });
    expect(imported.status).toBe(201);
    expect(await jsonOf(imported)).toMatchObject({ rows: 2, written: 2 });

    const res = await acme.get(`${SB}/export.csv?from=${day(-1)}&to=${day(-1)}`);
    expect(res.status).toBe(200);
    const [header, ...unordered] = parse(await res.text()) as string[][];
    // The charge first, then the credit (the export orders rows by an identity hash within a day).
    const rows = unordered.sort((a, b) => Number(b[header.indexOf('BilledCost')]) - Number(a[header.indexOf('BilledCost')]));
    const column = (name: string) => rows.map((r) => r[header.indexOf(name)]);
    expect(column('ServiceName')).toEqual([`'=HYPERLINK("http://evil","x")`, 'credit']);
    expect(column('ResourceName')).toEqual([`'=cmd|'/C calc'!A0`, `'+1+1`]);
    expect(column('ResourceId')).toEqual(['q-1', `'@SUM(1+1)`]);
    expect(column('ConsumedUnit')).toEqual(['calls', `'-calls`]);
    expect(column('BilledCost')).toEqual(['12.50', '-12.50']);
    expect(column('ConsumedQuantity').map(Number)).toEqual([1250, -3]);
    // No cell a spreadsheet would start a formula from.
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[ ]*[=+@\t\r]|^-(?!\d+(\.\d+)?$)/);
  });
});
