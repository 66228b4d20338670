import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectedAnomaly } from '../../mock-vcd/billing/demo-data';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { untilOk } from '../testing/until';
import { webhookReceiver } from '../testing/webhook-receiver';

const SB = '/api/org/acme/showback';
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const ANOMALY = 'showback/cost.anomaly';
const LOG_EVENT = 'module.exports = async (event) => { console.log(JSON.stringify(event)); return { statusCode: 200 }; };';
const SERVICES = ['compute', 'storage', 'network', 'functions', 'backup'];

type Client = ReturnType<typeof api>;
interface StoredAnomaly { id: string; day: string; service: string; cost: number; expected: number; low: number; high: number; delta: number; vappId: string | null; vappDelta: number | null; alertId: string | null }



describe.each(STORES)('showback cost anomalies on %s', (kind) => {
  let h: Harness;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let acme: Client;
  let globex: Client;
  let provider: Client;
  // Judged: the 90 days up to yesterday; 120 days collected, so each has its 28 days of history.
  const judged = { from: day(-90), to: day(-1) };
  const all = async (client: Client, org = 'acme'): Promise<StoredAnomaly[]> =>
    (await jsonOf(await client.get(`/api/org/${org}/showback/anomalies?from=${judged.from}&to=${judged.to}`))).items;

  beforeAll(async () => {
    hook = await webhookReceiver();
    h = await startHarness(kind, { backend: { showbackWebhookAllowedHosts: '127.0.0.1', showbackWebhookRetryBaseMs: 20 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = api(() => h.backend.url, await h.login('provider'));
    const fn = { name: 'on-anomaly', runtime: 'nodejs20', code: LOG_EVENT, trigger: { type: 'event', events: [ANOMALY] } };
    expect((await acme.post('/api/org/acme/faas/functions', fn)).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'on-anomaly')).status).toBe('ready');
    // Where the anomaly alerts go is set before the costs arrive: the check after the run raises them there.
    const settings = await jsonOf(await acme.put(`${SB}/anomalies/settings`, { webhookUrl: `${hook.url}/anomaly`, function: 'on-anomaly' }));
    expect(settings).toMatchObject({ webhookUrl: `${hook.url}/anomaly`, function: 'on-anomaly', webhookSecret: expect.any(String) });
    const source = await jsonOf(
      await acme.post(`${SB}/sources`, {
        kind: 'http',
        name: 'demo',
        schedule: '0 3 * * *',
        config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    );
    expect((await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, { from: day(-120), to: day(0) }))).status).toBe('succeeded');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });

  it('stores every spike injected into the demo data, with its size, band and the vApp that drove it', async () => {
    const stored = await all(acme);
    const truth: { day: string; service: string; vappId: string | null }[] = [];
    for (let t = Date.parse(judged.from); t <= Date.parse(judged.to); t += DAY_MS) {
      const d = new Date(t).toISOString().slice(0, 10);
      for (const service of SERVICES) {
        const spike = injectedAnomaly('acme', d, service);
        if (spike) truth.push({ day: d, service, vappId: spike.vappId });
      }
    }
    expect(truth.length).toBeGreaterThan(0);
    for (const spike of truth) {
      const found = stored.find((a) => a.day === spike.day && a.service === spike.service);
      expect(found, `${spike.day} ${spike.service}`).toBeDefined();
      expect(found!.cost).toBeGreaterThan(found!.high);
      expect(found!.delta).toBe(found!.cost - found!.expected);
      if (spike.vappId) expect(found!.vappId).toBe(spike.vappId);
      if (spike.vappId) expect(found!.vappDelta! / found!.delta).toBeGreaterThan(0.5);
    }
    // A flag that is no injected spike is rare: the bench reports the precision.
    expect(stored.length).toBeLessThanOrEqual(truth.length + 2);
    // The month query answers the same anomalies as its days.
    const month = judged.to.slice(0, 7);
    const byMonth = (await jsonOf(await acme.get(`${SB}/anomalies?month=${month}`))).items as StoredAnomaly[];
    expect(byMonth.map((a) => a.id)).toEqual(stored.filter((a) => a.day.startsWith(month)).map((a) => a.id));
  });

  it('stores each anomaly and its alert once, however often and wherever the check runs', async () => {
    const before = await all(acme);
    const checks = await Promise.all([acme.post(`${SB}/anomalies/check`, {}), acme.post(`${SB}/anomalies/check`, {}), provider.post(`${SB}/anomalies/check`, {})]);
    for (const c of checks) expect((await jsonOf(c)).anomalies).toEqual([]);
    const after = await all(acme);
    expect(after).toEqual(before);
    const alerts = (await jsonOf(await acme.get(`${SB}/alerts?limit=500`))).items.filter((a: { kind: string }) => a.kind === 'cost.anomaly');
    expect(alerts.map((a: { anomaly: { id: string } }) => a.anomaly.id).sort()).toEqual(after.map((a) => a.id).sort());
    for (const a of after) expect(alerts.find((x: { id: string }) => x.id === a.alertId)).toBeDefined();
  });

  it('raises each anomaly as an alert: shown with the budget alerts, sent to the webhook signed, and run by the subscribed function', async () => {
    const [first] = await all(acme);
    expect(first).toBeDefined();
    const alert = await untilOk(async () => jsonOf(await acme.get(`${SB}/alerts/${first.alertId}`)), (a) => a.delivery.state === 'delivered' && a.functions.state === 'done');
    expect(alert).toMatchObject({ kind: 'cost.anomaly', budgetId: null, value: first.cost, threshold: first.high, anomaly: { id: first.id, day: first.day, service: first.service, vappId: first.vappId, delta: first.delta } });
    expect(alert.functions).toMatchObject({ state: 'done', target: 'on-anomaly', ran: ['on-anomaly'] });
    const sent = hook.got.find((g) => g.headers['x-showback-delivery'] === alert.id);
    expect(sent?.headers['x-showback-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(sent!.body)).toMatchObject({ type: ANOMALY, alert: { id: alert.id, anomaly: { day: first.day, service: first.service } } });
    const runs: { logs: string[] }[] = await untilOk(async () => (await jsonOf(await acme.get('/api/org/acme/faas/functions/on-anomaly/activations'))).items, (items: { logs: string[] }[]) => items.length >= 1);
    const events = runs.map((r: { logs: string[] }) => JSON.parse(r.logs[0].replace(/^info /, '')));
    expect(events.find((e: { eventId: string }) => e.eventId === alert.id)).toMatchObject({ type: ANOMALY, org: 'acme', alert: { kind: 'cost.anomaly' } });
  });

  it("keeps anomalies to their org: a tenant reads only its own, the provider any org it names", async () => {
    expect((await globex.get(`${SB}/anomalies`)).status).toBe(403);
    expect((await globex.put(`${SB}/anomalies/settings`, { webhookUrl: null })).status).toBe(403);
    expect(await all(globex, 'globex')).toEqual([]);
    expect((await all(provider)).map((a) => a.id)).toEqual((await all(acme)).map((a) => a.id));
  });

  it('refuses a bad query or settings with a problem naming the field, storing nothing', async () => {
    for (const [query, field] of [
      ['month=2026-13', 'month'],
      ['month=2026-01&from=2026-01-01', 'month'],
      [`from=${day(-1)}&to=${day(-3)}`, 'to'],
      ['from=2026-02-30', 'from'],
      ['by=vapp', ''],
    ] as const) {
      const p = await problemOf(await acme.get(`${SB}/anomalies?${query}`));
      expect(p.status, query).toBe(400);
      if (field) expect(p.errors?.map((e: { path: string }) => e.path), query).toContain(field);
    }
    const host = await problemOf(await acme.put(`${SB}/anomalies/settings`, { webhookUrl: 'https://evil.example.com/hook' }));
    expect(host.errors?.[0].path).toBe('webhookUrl');
    const missing = await problemOf(await acme.put(`${SB}/anomalies/settings`, { function: 'no-such-function' }));
    expect(missing.errors?.[0].path).toBe('function');
    expect(await jsonOf(await acme.get(`${SB}/anomalies/settings`))).toEqual({ webhookUrl: `${hook.url}/anomaly`, function: 'on-anomaly' });
  });
});
