import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCharges } from '../../mock-vcd/billing/demo-data';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

const SB = '/api/org/acme/showback';
const DAY_MS = 86_400_000;
const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const monthStart = (monthsBack: number) => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - monthsBack, 1)).toISOString().slice(0, 10);
};

/** What the mock billing API holds for an org, in minor units: per day, and the whole range. */
function expected(org: string, from: string, to: string) {
  const charges = demoCharges(org, new Date(`${from}T00:00:00Z`), new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS));
  const byDay = new Map<string, number>();
  const byService = new Map<string, number>();
  const byVapp = new Map<string, number>();
  for (const c of charges) {
    const cents = Math.round(c.cost * 100);
    byDay.set(c.start.slice(0, 10), (byDay.get(c.start.slice(0, 10)) ?? 0) + cents);
    byService.set(c.service, (byService.get(c.service) ?? 0) + cents);
    if (c.vappId) byVapp.set(c.vappId, (byVapp.get(c.vappId) ?? 0) + cents);
  }
  const sumFrom = (f: string, t = '9999') => [...byDay].filter(([d]) => d >= f && d < t).reduce((a, [, v]) => a + v, 0);
  return { charges, byDay, byService, byVapp, sumFrom };
}

const FOCUS_CSV = (cost = '12.50') =>
  [
    'BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName,ChargeCategory,ConsumedQuantity,ConsumedUnit,Extra',
    `${cost},,EUR,${day(-1)}T00:00:00Z,${day(0)}T00:00:00Z,mq-api,q-1,orders queue,Usage,1250,calls,ignored`,
    `3.25,,EUR,${day(-1)}T00:00:00Z,${day(0)}T00:00:00Z,mq-api,q-2,"billing, queue",Usage,325,calls,`,
  ].join('\n');

describe.each(STORES)('showback on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;
  let sourceId: string;
  const from = monthStart(3);
  const to = day(0);

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { showbackAmqpUrl: AMQP_URL, showbackRetryBaseMs: 20, showbackHttpAllowedHosts: '127.0.0.1:9' } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = api(() => h.backend.url, await h.login('provider'));
  });
  afterAll(() => h?.close());

  const httpSource = (name: string, url = `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`) => ({
    kind: 'http',
    name,
    schedule: '0 3 * * *',
    config: { url, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
  });

  it('collects an HTTP billing source from the mock billing API, and collecting again stores nothing twice', async () => {
    const created = await acme.post(`${SB}/sources`, httpSource('vrb'));
    expect(created.status).toBe(201);
    const source = await jsonOf(created);
    sourceId = source.id;
    expect(source).toMatchObject({ kind: 'http', name: 'vrb', enabled: true, staleSince: null, lastRun: null });
    expect(source.config.authHeader).toEqual({ name: 'Authorization', value: '***' });
    expect(source.nextRunAt).not.toBeNull();

    const first = await jsonOf(await acme.post(`${SB}/sources/${sourceId}/run`, { from, to }));
    const want = expected('acme', from, to);
    expect(first).toMatchObject({ status: 'succeeded', trigger: 'backfill', rowsRead: want.charges.length, rowsWritten: want.charges.length, error: null });

    // Changing the schedule keeps the write-only auth header; the masked value sent back keeps it too.
    const renamed = await acme.put(`${SB}/sources/${sourceId}`, { schedule: '0 4 * * *', config: { authHeader: { name: 'Authorization', value: '***' } } });
    expect(renamed.status).toBe(200);
    expect((await jsonOf(renamed)).schedule).toBe('0 4 * * *');
    const again = await jsonOf(await acme.post(`${SB}/sources/${sourceId}/run`, { from, to }));
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: want.charges.length, rowsWritten: 0 });
    const runs = await jsonOf(await acme.get(`${SB}/sources/${sourceId}/runs`));
    expect(runs.total).toBe(2);
    expect(runs.items[0].id).toBe(again.id);
  });

  it('answers daily, monthly, summary and breakdown figures that add up to the collected charges', async () => {
    const want = expected('acme', from, to);
    const daily = await jsonOf(await acme.get(`${SB}/daily?from=${from}&to=${to}`));
    expect(daily.currency).toBe('EUR');
    expect(daily.items).toHaveLength(want.byDay.size);
    for (const d of daily.items) expect(d.total).toBe(want.byDay.get(d.day));

    const monthly = await jsonOf(await acme.get(`${SB}/monthly?months=4`));
    expect(monthly.items.map((m: { month: string }) => m.month)).toEqual([3, 2, 1, 0].map((b) => monthStart(b).slice(0, 7)));
    for (const [i, m] of monthly.items.entries()) {
      expect(m.total).toBe(want.sumFrom(monthStart(3 - i), i === 3 ? '9999' : monthStart(2 - i)));
    }

    const summary = await jsonOf(await acme.get(`${SB}/summary`));
    expect(summary.monthToDate).toBe(want.sumFrom(monthStart(0)));
    expect(summary.lastMonth).toBe(want.sumFrom(monthStart(1), monthStart(0)));
    expect(summary.forecast.value).toBeGreaterThanOrEqual(summary.monthToDate);
    expect(summary.forecast.low).toBeLessThanOrEqual(summary.forecast.value);
    expect(summary.forecast.high).toBeGreaterThanOrEqual(summary.forecast.value);
    expect(summary.changePct).toBeCloseTo(Math.round(((summary.forecast.value - summary.lastMonth) / summary.lastMonth) * 1000) / 10, 5);
    expect(summary.stale).toBeNull();
    expect(summary.dataAsOf).toBe(`${day(1)}T00:00:00.000Z`);
    expect(summary.lastDataDay).toBe(day(0));

    const byService = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=2&from=${from}&to=${to}`));
    const services = [...want.byService].sort((a, b) => b[1] - a[1]);
    expect(byService.items.map((i: { key: string; cost: number }) => [i.key, i.cost])).toEqual(services.slice(0, 2));
    expect(byService.total).toBe(want.sumFrom(from));
    expect(byService.other).toBe(services.slice(2).reduce((a, [, v]) => a + v, 0));

    const byVapp = await jsonOf(await acme.get(`${SB}/breakdown?by=vapp&top=10&from=${from}&to=${to}`));
    expect(byVapp.items).toHaveLength(want.byVapp.size);
    for (const i of byVapp.items) expect(i.cost).toBe(want.byVapp.get(i.key));
    expect(byVapp.items[0].name).toBe('web-shop');

    const bySource = await jsonOf(await acme.get(`${SB}/breakdown?by=source&from=${from}&to=${to}`));
    expect(bySource.items).toEqual([expect.objectContaining({ key: sourceId, name: 'vrb', cost: want.sumFrom(from), sharePct: 100 })]);

    const csv = await acme.get(`${SB}/export.csv?from=${day(-1)}&to=${day(-1)}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^ChargePeriodStart,/);
    expect(lines).toHaveLength(1 + want.charges.filter((c) => c.start.startsWith(day(-1))).length);
  });

  it('marks a run failed with the reason and the data stale when the source is unreachable', async () => {
    const created = await jsonOf(await acme.post(`${SB}/sources`, httpSource('down', 'http://127.0.0.1:9/charges?from={from}')));
    const run = await jsonOf(await acme.post(`${SB}/sources/${created.id}/run`, {}));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/unreachable/);
    const source = await jsonOf(await acme.get(`${SB}/sources/${created.id}`));
    expect(source.staleSince).not.toBeNull();
    const summary = await jsonOf(await acme.get(`${SB}/summary`));
    expect(summary.stale.sources).toEqual([{ id: created.id, name: 'down', error: run.error }]);
    // Retried in the background with backoff (20, 40, 80 ms here), each retry recorded as a run.
    let runs = await jsonOf(await acme.get(`${SB}/sources/${created.id}/runs`));
    const settled = () => runs.total >= 4 && runs.items.every((r: { status: string }) => r.status !== 'running');
    // Bounded by the test's own timeout, not by a count of polls: a loaded machine makes the retries late, not wrong.
    for (const until = Date.now() + 25_000; Date.now() < until && !settled(); ) {
      await new Promise((r) => setTimeout(r, 25));
      runs = await jsonOf(await acme.get(`${SB}/sources/${created.id}/runs`));
    }
    expect(runs.items.map((r: { attempt: number; trigger: string; status: string }) => [r.attempt, r.trigger, r.status])).toEqual([
      [4, 'retry', 'failed'],
      [3, 'retry', 'failed'],
      [2, 'retry', 'failed'],
      [1, 'manual', 'failed'],
    ]);
    // (Checked once the retries are over: right after the first run, a retry may already be running.)
    expect((await jsonOf(await acme.get(`${SB}/sources/${created.id}`))).lastRun).toMatchObject({ attempt: 4, status: 'failed' });
    const tested = await jsonOf(await acme.post(`${SB}/sources/${created.id}/test`, {}));
    expect(tested).toMatchObject({ ok: false, rowsRead: 0 });
    expect((await acme.delete(`${SB}/sources/${created.id}`)).status).toBe(204);
    expect((await jsonOf(await acme.get(`${SB}/summary`))).stale).toBeNull();
  });

  it('imports a FOCUS CSV once, however often it is sent', async () => {
    const before = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=100&from=${day(-1)}&to=${day(-1)}`));
    const res = await acme.post(`${SB}/imports`, FOCUS_CSV(), { 'Content-Type': 'text/csv' });
    expect(res.status).toBe(201);
    expect(await jsonOf(res)).toMatchObject({ format: 'csv', rows: 2, written: 2, total: 1575, currency: 'EUR' });
    const again = await jsonOf(await acme.post(`${SB}/imports`, FOCUS_CSV(), { 'Content-Type': 'text/csv' }));
    expect(again).toMatchObject({ rows: 2, written: 0 });
    const after = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=100&from=${day(-1)}&to=${day(-1)}`));
    expect(after.total - before.total).toBe(1575);
    expect(after.items.find((i: { key: string }) => i.key === 'mq-api').cost).toBe(1575);

    const json = await acme.post(`${SB}/imports`, [{ BilledCost: 1, BillingCurrency: 'EUR', ChargePeriodStart: `${day(-2)}T00:00:00Z`, ChargePeriodEnd: `${day(-1)}T00:00:00Z`, ServiceName: 'dns' }]);
    expect(await jsonOf(json)).toMatchObject({ format: 'json', rows: 1, written: 1, total: 100 });
  });

  it('rejects a bad FOCUS file naming line and column, and stores none of it', async () => {
    const before = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=100&from=${day(-1)}&to=${day(-1)}`));
    const bad = FOCUS_CSV('12.50') + `\nnot-a-number,,EUR,${day(-1)}T00:00:00Z,${day(0)}T00:00:00Z,mq-api,q-3,x,Usage,1,calls,\n5,,EURO,yesterday,${day(0)}T00:00:00Z,,q-4,y,Usage,1,calls,`;
    const res = await acme.post(`${SB}/imports`, bad.replace('12.50', '99.99'), { 'Content-Type': 'text/csv' });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'line 4, column BilledCost' }),
        expect.objectContaining({ path: 'line 5, column BillingCurrency' }),
        expect.objectContaining({ path: 'line 5, column ChargePeriodStart' }),
        expect.objectContaining({ path: 'line 5, column ServiceName' }),
      ]),
    );
    const missing = await problemOf(await acme.post(`${SB}/imports`, 'BilledCost,ServiceName\n1,x', { 'Content-Type': 'text/csv' }));
    expect(missing.errors?.map((e) => e.path)).toEqual(['column BillingCurrency', 'column ChargePeriodStart', 'column ChargePeriodEnd']);
    const after = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=100&from=${day(-1)}&to=${day(-1)}`));
    expect(after.total).toBe(before.total);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const cases: [Promise<Response>, string][] = [
      [acme.post(`${SB}/sources`, { ...httpSource('x'), config: { url: 'ftp://nowhere' } }), 'config.url'],
      [acme.post(`${SB}/sources`, { ...httpSource('x'), schedule: 'every tuesday' }), 'schedule'],
      [acme.post(`${SB}/sources`, { ...httpSource('x'), kind: 'vcd', config: {} }), 'kind'],
      [acme.post(`${SB}/sources`, httpSource('vrb')), 'name'],
      [acme.get(`${SB}/breakdown?by=planet`), 'by'],
      [acme.get(`${SB}/daily?from=2025-13-45`), 'from'],
      [acme.get(`${SB}/monthly?months=0`), 'months'],
      [acme.post(`${SB}/sources/${sourceId}/run`, { from: day(-1) }), 'to'],
      [provider.put(`${SB}/ratecard`, { currency: 'EUR', rates: { vcpuHour: -1, ramGbHour: 0, storageGbMonth: 0, functionInvocation: 0, functionGbSecond: 0 } }), 'rates.vcpuHour'],
    ];
    for (const [req, path] of cases) {
      const res = await req;
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect((await problemOf(res)).errors?.map((e) => e.path), path).toContain(path);
    }
  });

  it('lets only the provider set the rate card, shows a tenant only its own rates, and shows the provider every org', async () => {
    const card = { currency: 'EUR', rates: { vcpuHour: 0.03, ramGbHour: 0.004, storageGbMonth: 0.1, functionInvocation: 0.0000002, functionGbSecond: 0.00001667 }, overrides: { ACME: { vcpuHour: 0.025 } } };
    const put = await provider.put('/api/org/System/showback/ratecard', card);
    expect(put.status).toBe(200);
    expect(await jsonOf(await provider.get('/api/org/System/showback/ratecard'))).toEqual({ ...card, rates: { ...card.rates, metered: {} }, overrides: { acme: { vcpuHour: 0.025 } }, editable: true });
    // A tenant reads the rates it is charged: its override applied, nobody else's overrides shown, nothing to edit.
    expect(await jsonOf(await acme.get(`${SB}/ratecard`))).toEqual({ currency: 'EUR', rates: { ...card.rates, vcpuHour: 0.025, metered: {} }, overrides: {}, editable: false });
    expect((await jsonOf(await globex.get('/api/org/globex/showback/ratecard'))).rates.vcpuHour).toBe(0.03);
    expect((await acme.put(`${SB}/ratecard`, card)).status).toBe(403);
    const orgs = await jsonOf(await provider.get('/api/org/System/showback/provider/orgs'));
    const acmeRow = orgs.items.find((o: { org: string }) => o.org === 'acme');
    expect(acmeRow.monthToDate).toBe((await jsonOf(await acme.get(`${SB}/summary`))).monthToDate);
  });

  it('prices function calls from the activations with the rate card, per function', async () => {
    const card = { currency: 'EUR', rates: { vcpuHour: 0.03, ramGbHour: 0.004, storageGbMonth: 0.1, functionInvocation: 0.01, functionGbSecond: 0 } };
    expect((await provider.put('/api/org/System/showback/ratecard', card)).status).toBe(200);
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('metered-hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'metered-hello')).status).toBe('ready');
    for (let i = 0; i < 3; i++) expect((await acme.get('/api/org/acme/metered-hello')).status).toBe(200);
    const source = await jsonOf(await acme.post(`${SB}/sources`, { kind: 'faas', name: 'functions' }));
    expect(source.schedule).toBe('*/15 * * * *');
    // Activations are written in batches: collect until all three calls are in.
    let cost = 0;
    for (let i = 0; i < 100 && cost < 3; i++) {
      const run = await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}));
      expect(run.status).toBe('succeeded');
      const byFunction = await jsonOf(await acme.get(`${SB}/breakdown?by=function&from=${day(-1)}&to=${day(0)}`));
      cost = byFunction.items.find((f: { key: string }) => f.key === 'metered-hello')?.cost ?? 0;
      if (cost < 3) await new Promise((r) => setTimeout(r, 50));
    }
    expect(cost).toBe(3);
  });

  it('stores metered events from RabbitMQ once each, priced by the rate card, and never for another org', async () => {
    const card = { currency: 'EUR', rates: { vcpuHour: 0, ramGbHour: 0, storageGbMonth: 0, functionInvocation: 0, functionGbSecond: 0, metered: { 'mq-api.calls': 0.001 } } };
    expect((await provider.put('/api/org/System/showback/ratecard', card)).status).toBe(200);
    const exchange = `showback.usage.test-${kind}-${Date.now()}`;
    const source = await jsonOf(await acme.post(`${SB}/sources`, { kind: 'metered', name: 'mq', config: { exchange } }));
    expect(source.kind).toBe('metered');
    // The first run declares the queue; events published afterwards wait in it.
    expect((await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}))).status).toBe('succeeded');

    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const event = (id: string, org: string, quantity: number) => ({ id, org, service: 'mq-api', metric: 'calls', quantity, unit: 'call', at });
    for (const e of [event(`${kind}-e1`, 'acme', 1000), event(`${kind}-e2`, 'acme', 500), event(`${kind}-e1`, 'acme', 1000), event(`${kind}-x`, 'globex', 9000)]) {
      ch.publish(exchange, 'acme', Buffer.from(JSON.stringify(e)), { contentType: 'application/json' });
    }
    ch.publish(exchange, 'acme', Buffer.from('not json'));
    await ch.waitForConfirms();
    await conn.close();

    const run = await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}));
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 3, rowsWritten: 2 });
    const again = await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}));
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 0, rowsWritten: 0 });
    const bySource = await jsonOf(await acme.get(`${SB}/breakdown?by=source&from=${day(-1)}&to=${day(0)}`));
    expect(bySource.items.find((i: { key: string }) => i.key === source.id).cost).toBe(150);
    expect((await jsonOf(await globex.get(`/api/org/globex/showback/summary`))).monthToDate).toBe(0);

    // Deleting the source removes its queue from the broker; its costs stay.
    expect((await acme.delete(`${SB}/sources/${source.id}`)).status).toBe(204);
    const check = await amqp.connect(AMQP_URL);
    const probe = await check.createChannel();
    probe.on('error', () => undefined);
    await expect(probe.checkQueue(`showback.metered.acme.${source.id}`)).rejects.toThrow(/404|NOT_FOUND/);
    await check.close();
    const after = await jsonOf(await acme.get(`${SB}/breakdown?by=source&from=${day(-1)}&to=${day(0)}`));
    expect(after.items.find((i: { key: string }) => i.key === source.id).cost).toBe(150);
  });

  it('describes the showback routes in /openapi.json', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    for (const p of ['summary', 'monthly', 'daily', 'breakdown', 'export.csv', 'sources', 'sources/{id}/run', 'imports', 'ratecard']) {
      expect(Object.keys(doc.paths), p).toContain(`/api/org/{org}/showback/${p}`);
    }
  });

  it("keeps each org's costs and sources to itself", async () => {
    expect((await globex.get(`${SB}/summary`)).status).toBe(403);
    expect((await globex.get(`/api/org/globex/showback/sources/${sourceId}`)).status).toBe(404);
    expect((await globex.post(`/api/org/globex/showback/sources/${sourceId}/run`, {})).status).toBe(404);
    expect((await jsonOf(await globex.get('/api/org/globex/showback/sources'))).total).toBe(0);
    const summary = await jsonOf(await globex.get('/api/org/globex/showback/summary'));
    expect(summary).toMatchObject({ monthToDate: 0, lastMonth: 0, stale: null, dataAsOf: null });
    const breakdown = await jsonOf(await globex.get(`/api/org/globex/showback/breakdown?by=vapp&from=${from}&to=${to}`));
    expect(breakdown.items).toEqual([]);
  });
});
