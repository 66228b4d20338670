import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../main';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { untilOk } from '../testing/until';
import { webhookReceiver } from '../testing/webhook-receiver';

const SB = '/api/org/acme/showback';
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const monthStart = (monthsBack: number) => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - monthsBack, 1)).toISOString().slice(0, 10);
};




describe.each(STORES)('showback budgets and alerts on %s', (kind) => {
  let h: Harness;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;
  let summary: { monthToDate: number; forecast: { value: number } };
  const from = monthStart(2);
  const to = day(0);

  beforeAll(async () => {
    hook = await webhookReceiver();
    h = await startHarness(kind, { backend: { showbackWebhookAllowedHosts: '127.0.0.1', showbackWebhookRetryBaseMs: 20, bodyLimitBytes: 20 * 1024 * 1024 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = api(() => h.backend.url, await h.login('provider'));
    const source = await jsonOf(
      await acme.post(`${SB}/sources`, {
        kind: 'http',
        name: 'demo',
        schedule: '0 3 * * *',
        config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    );
    expect((await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, { from, to }))).status).toBe('succeeded');
    summary = await jsonOf(await acme.get(`${SB}/summary`));
    expect(summary.monthToDate).toBeGreaterThan(0);
  }, 180_000);

  it("shows how far to trust the forecast: a back-test on the org's own complete months", async () => {
    // Two months back from the 1st were collected: the first has no week of history before it, last month has.
    const { forecast } = await jsonOf(await acme.get(`${SB}/summary`));
    expect(forecast.accuracy).toEqual({ months: 1, mapeDay10Pct: expect.any(Number), mapeDay20Pct: expect.any(Number) });
    expect(forecast.accuracy.mapeDay10Pct).toBeGreaterThanOrEqual(0);
    expect(forecast.accuracy.mapeDay10Pct).toBeLessThan(50);
    expect(forecast.low).toBeLessThanOrEqual(forecast.value);
    expect(forecast.high).toBeGreaterThanOrEqual(forecast.value);
    // An org without costs has no back-test.
    expect((await jsonOf(await globex.get('/api/org/globex/showback/summary'))).forecast.accuracy).toBeNull();
  });
  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });

  it('shows a budget\'s state by the dashboard\'s own figures, per org, service and vApp', async () => {
    const whole = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'all', amount: summary.monthToDate * 2 }));
    expect(whole).toMatchObject({ currency: 'EUR', period: 'monthly', providerOwned: false, editable: true, service: null, vappId: null });
    expect(whole.state).toMatchObject({ period: to.slice(0, 7), spent: summary.monthToDate, forecast: summary.forecast.value, spentPct: 50 });
    expect(whole.state.thresholds).toEqual([
      { type: 'actual', percent: 80, at: Math.round((summary.monthToDate * 2 * 80) / 100), crossed: false, alertId: null },
      { type: 'forecast', percent: 100, at: summary.monthToDate * 2, crossed: summary.forecast.value >= summary.monthToDate * 2, alertId: null },
    ]);

    const byService = await jsonOf(await acme.get(`${SB}/breakdown?by=service&top=10&from=${monthStart(0)}&to=${to}`));
    const compute = byService.items.find((i: { key: string }) => i.key === 'compute').cost;
    const svc = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'compute', amount: 1e9, service: 'compute' }));
    expect(svc.state.spent).toBe(compute);

    const byVapp = await jsonOf(await acme.get(`${SB}/breakdown?by=vapp&top=10&from=${monthStart(0)}&to=${to}`));
    const vapp = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'shop', amount: 1e9, vappId: byVapp.items[0].key }));
    expect(vapp.state.spent).toBe(byVapp.items[0].cost);
    const list = await jsonOf(await acme.get(`${SB}/budgets`));
    expect(list.items.map((b: { name: string }) => b.name)).toEqual(['all', 'compute', 'shop']);
    for (const b of list.items) expect((await acme.delete(`${SB}/budgets/${b.id}`)).status).toBe(204);
  });

  it('records an alert once per threshold and period, however often and wherever the check runs', async () => {
    const created = await acme.post(`${SB}/budgets`, {
      name: 'tight',
      amount: Math.max(1, Math.floor(summary.monthToDate / 2)),
      thresholds: [{ type: 'actual', percent: 80 }, { type: 'forecast', percent: 100 }, { type: 'actual', percent: 1000 }],
      webhookUrl: `${hook.url}/ok`,
    });
    expect(created.status).toBe(201);
    const budget = await jsonOf(created);
    // The org's first webhook secret is in this answer only.
    expect(budget.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect((await jsonOf(await acme.get(`${SB}/budgets/${budget.id}`))).webhookSecret).toBeUndefined();
    const crossed = budget.state.thresholds.filter((t: { crossed: boolean }) => t.crossed);
    expect(crossed.map((t: { percent: number }) => t.percent)).toEqual([80, 100]);

    const [a, b] = await Promise.all([acme.post(`${SB}/budgets/check`, {}), acme.post(`${SB}/budgets/check`, {})]);
    const recorded = [...(await jsonOf(a)).alerts, ...(await jsonOf(b)).alerts];
    expect(recorded).toHaveLength(2);
    await h.restart();
    expect((await jsonOf(await acme.post(`${SB}/budgets/check`, {}))).alerts).toEqual([]);
    const alerts = await jsonOf(await acme.get(`${SB}/alerts`));
    expect(alerts.items.filter((x: { budgetId: string }) => x.budgetId === budget.id).map((x: { type: string; percent: number }) => `${x.type}:${x.percent}`).sort()).toEqual(['actual:80', 'forecast:100']);
    const state = (await jsonOf(await acme.get(`${SB}/budgets/${budget.id}`))).state;
    expect(state.thresholds.filter((t: { alertId: string | null }) => t.alertId).length).toBe(2);

    // Each alert reached the webhook once, signed with the org's secret over timestamp and body.
    const got = await untilOk(async () => hook.got.filter((g) => g.path === '/ok'), (g) => g.length >= 2);
    expect(got).toHaveLength(2);
    for (const g of got) {
      const sig = createHmac('sha256', budget.webhookSecret).update(`${g.headers['x-showback-timestamp']}.${g.body}`).digest('hex');
      expect(g.headers['x-showback-signature']).toBe(`sha256=${sig}`);
      const event = JSON.parse(g.body);
      expect(event).toMatchObject({ type: 'showback/budget.threshold', alert: { budgetId: budget.id, org: 'acme', currency: 'EUR' } });
      expect(g.headers['x-showback-delivery']).toBe(event.alert.id);
    }
    const detail = await untilOk(async () => jsonOf(await acme.get(`${SB}/alerts/${recorded[0].id}`)), (d) => d.delivery.state === 'delivered');
    expect(detail.deliveries).toEqual([expect.objectContaining({ attempt: 1, status: 204, error: null, url: `${hook.url}/ok` })]);
    expect((await acme.delete(`${SB}/budgets/${budget.id}`)).status).toBe(204);
  });

  it('retries a failing webhook with backoff, journals every attempt and marks the alert failed', async () => {
    const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'failing', amount: 1, thresholds: [{ type: 'actual', percent: 50 }], webhookUrl: `${hook.url}/fail` }));
    const [alert] = (await jsonOf(await acme.post(`${SB}/budgets/check`, {}))).alerts;
    expect(alert.delivery.state).toBe('pending');
    const detail = await untilOk(async () => jsonOf(await acme.get(`${SB}/alerts/${alert.id}`)), (d) => d.delivery.state === 'failed');
    expect(detail.delivery).toMatchObject({ attempts: 5, lastError: 'the receiver answered HTTP 500', nextAttemptAt: null });
    expect(detail.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 500]));
    const times = detail.deliveries.map((d: { at: string }) => Date.parse(d.at));
    // Backoff: 20, 40, 80, 160 ms at least between attempts (never fails for being slow).
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(20 * 2 ** (i - 1) - 5);
    expect(hook.got.filter((g) => g.path === '/fail')).toHaveLength(5);
    await acme.delete(`${SB}/budgets/${budget.id}`);
  });

  it('refuses bad budgets with a problem naming the field and stores nothing', async () => {
    const before = (await jsonOf(await acme.get(`${SB}/budgets`))).total;
    const cases: [unknown, string][] = [
      [{ name: 'x', amount: 100, thresholds: [{ type: 'actual', percent: 1001 }] }, 'thresholds.0.percent'],
      [{ name: 'x', amount: 100, thresholds: [{ type: 'forecast', percent: -1 }] }, 'thresholds.0.percent'],
      [{ name: 'x', amount: 100, thresholds: [{ type: 'actual', percent: 80 }, { type: 'actual', percent: 80 }] }, 'thresholds'],
      [{ name: 'x', amount: 100, service: 'teleportation' }, 'service'],
      [{ name: 'x', amount: 100, vappId: 'urn:vcloud:vapp:nope' }, 'vappId'],
      [{ name: 'x', amount: 100, service: 'compute', vappId: 'urn:vcloud:vapp:nope' }, 'vappId'],
      [{ name: 'x', amount: 100, webhookUrl: 'https://hooks.example.com/x' }, 'webhookUrl'],
      [{ name: 'x', amount: 100, webhookUrl: 'ftp://127.0.0.1/x' }, 'webhookUrl'],
      [{ name: 'x', amount: 0 }, 'amount'],
      [{ name: 'x', amount: 1.5 }, 'amount'],
      [{ amount: 100 }, 'name'],
    ];
    for (const [body, path] of cases) {
      const res = await acme.post(`${SB}/budgets`, body);
      expect(res.status, path).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path), path).toContain(path);
    }
    expect((await jsonOf(await acme.get(`${SB}/budgets`))).total).toBe(before);
    expect((await problemOf(await acme.get(`${SB}/alerts?limit=0`))).errors?.map((e) => e.path)).toContain('limit');
  });

  it('lets the provider set a budget the tenant reads but cannot change, and keeps budgets to their org', async () => {
    const set = await jsonOf(await provider.post(`${SB}/budgets`, { name: 'contract', amount: 5_000_00 }));
    expect(set).toMatchObject({ providerOwned: true, editable: true });
    const seen = await jsonOf(await acme.get(`${SB}/budgets/${set.id}`));
    expect(seen).toMatchObject({ name: 'contract', providerOwned: true, editable: false });
    for (const res of [await acme.put(`${SB}/budgets/${set.id}`, { amount: 1 }), await acme.delete(`${SB}/budgets/${set.id}`)]) {
      expect(res.status).toBe(403);
      expect((await problemOf(res)).detail).toMatch(/set by the provider/);
    }
    expect((await jsonOf(await acme.get(`${SB}/budgets/${set.id}`))).amount).toBe(5_000_00);
    expect((await jsonOf(await provider.put(`${SB}/budgets/${set.id}`, { amount: 6_000_00 }))).amount).toBe(6_000_00);

    expect((await globex.get(`${SB}/budgets`)).status).toBe(403);
    expect((await globex.get(`/api/org/globex/showback/budgets/${set.id}`)).status).toBe(404);
    expect((await globex.put(`/api/org/globex/showback/budgets/${set.id}`, { amount: 1 })).status).toBe(404);
    expect((await jsonOf(await globex.get('/api/org/globex/showback/alerts'))).total).toBe(0);
    const acmeAlert = (await jsonOf(await acme.get(`${SB}/alerts`))).items[0];
    expect((await globex.get(`/api/org/globex/showback/alerts/${acmeAlert.id}`)).status).toBe(404);
    expect((await provider.delete(`${SB}/budgets/${set.id}`)).status).toBe(204);
  });

  it('signs with a new secret once it is rotated, shown in that answer only', async () => {
    const rotated = await acme.post(`${SB}/webhook-secret`, {});
    expect(rotated.status).toBe(201);
    const { secret } = await jsonOf(rotated);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'rotated', amount: 1, thresholds: [{ type: 'actual', percent: 10 }], webhookUrl: `${hook.url}/ok/rotated` }));
    expect(budget.webhookSecret).toBeUndefined();
    await acme.post(`${SB}/budgets/check`, {});
    const [g] = await untilOk(async () => hook.got.filter((x) => x.path === '/ok/rotated'), (x) => x.length > 0);
    const sig = createHmac('sha256', secret).update(`${g.headers['x-showback-timestamp']}.${g.body}`).digest('hex');
    expect(g.headers['x-showback-signature']).toBe(`sha256=${sig}`);
    await acme.delete(`${SB}/budgets/${budget.id}`);
  });

  // Two replicas need a store both reach: PostgreSQL only, so the test exists only in the PostgreSQL run.
  if (kind === 'postgres') it('records one alert when two replicas check the same budget at once', async () => {
    const second: RunningServer = await startServer({ port: 0, vcdUrl: h.mock.url, logLevel: 'silent', ...h.store.overrides, showbackWebhookAllowedHosts: '127.0.0.1' });
    try {
      const other = api(() => second.url, await h.login('acme'));
      const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'replicas', amount: 1, thresholds: [{ type: 'actual', percent: 10 }, { type: 'forecast', percent: 20 }] }));
      const answers = await Promise.all([acme.post(`${SB}/budgets/check`, {}), other.post(`${SB}/budgets/check`, {}), acme.post(`${SB}/budgets/check`, {}), other.post(`${SB}/budgets/check`, {})]);
      const recorded = (await Promise.all(answers.map(jsonOf))).flatMap((a) => a.alerts.filter((x: { budgetId: string }) => x.budgetId === budget.id));
      expect(recorded).toHaveLength(2);
      const alerts = (await jsonOf(await other.get(`${SB}/alerts`))).items.filter((x: { budgetId: string }) => x.budgetId === budget.id);
      expect(alerts).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
