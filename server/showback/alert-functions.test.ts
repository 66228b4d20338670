import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../main';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { untilOk } from '../testing/until';

const SB = '/api/org/acme/showback';
const THRESHOLD = 'showback/budget.threshold';
/** Logs the event it got as one JSON line: the test reads the alert back from the activation. */
const LOG_EVENT = 'module.exports = async (event) => { console.log(JSON.stringify(event)); return { statusCode: 200 }; };';
const onAlert = (name: string) => ({ name, runtime: 'nodejs20', code: LOG_EVENT, trigger: { type: 'event', events: [THRESHOLD] } });
const loggedEvent = (line: string) => JSON.parse(line.replace(/^info /, ''));
const monthStart = (monthsBack: number) => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - monthsBack, 1)).toISOString().slice(0, 10);
};

type Client = ReturnType<typeof api>;
type Activation = { trigger: string; status: string; logs: string[] };


describe.each(STORES)('budget alerts that run a function on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  let globex: Client;
  const activations = async (client: Client, org: string, name: string): Promise<Activation[]> =>
    (await jsonOf(await client.get(`/api/org/${org}/faas/functions/${name}/activations`))).items;
  /** The alert ids the function got as events, oldest first. */
  const alertIdsRun = async (client: Client, org: string, name: string): Promise<string[]> =>
    (await activations(client, org, name)).map((a) => loggedEvent(a.logs[0]).eventId as string).reverse();

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { showbackWebhookRetryBaseMs: 20 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    const source = await jsonOf(
      await acme.post(`${SB}/sources`, {
        kind: 'http',
        name: 'demo',
        schedule: '0 3 * * *',
        config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    );
    expect((await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, { from: monthStart(1), to: new Date().toISOString().slice(0, 10) }))).status).toBe('succeeded');
    for (const [client, org, fn] of [
      [acme, 'acme', onAlert('on-budget')],
      [acme, 'acme', onAlert('power-off')],
      [acme, 'acme', newFunction('plain-http')],
      [globex, 'globex', onAlert('globex-only')],
    ] as const) {
      expect((await client.post(`/api/org/${org}/faas/functions`, fn)).status).toBe(202);
      expect((await client.waitBuilt(org, String(fn.name))).status).toBe('ready');
    }
  }, 90_000);
  afterAll(() => h?.close());

  it('offers showback/budget.threshold as an event source and shows it on the function', async () => {
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/on-budget'));
    expect(view.trigger).toEqual({ type: 'event', events: [THRESHOLD] });
    const bad = await problemOf(await acme.post('/api/org/acme/faas/functions', { ...onAlert('typo'), trigger: { type: 'event', events: ['showback/budget.thresold'] } }));
    expect(bad.errors?.[0].path).toBe('trigger.events.0');
  });

  it("runs the org's subscribed functions once per alert with the alert as their event, across checks and a restart", async () => {
    const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'all-subscribers', amount: 1, thresholds: [{ type: 'actual', percent: 50 }] }));
    expect(budget.function).toBeNull();
    const [first, second] = await Promise.all([acme.post(`${SB}/budgets/check`, {}), acme.post(`${SB}/budgets/check`, {})]);
    const recorded = [...(await jsonOf(first)).alerts, ...(await jsonOf(second)).alerts];
    expect(recorded).toHaveLength(1);
    const alert = recorded[0];
    const done = await untilOk(async () => jsonOf(await acme.get(`${SB}/alerts/${alert.id}`)), (a) => a.functions.state === 'done');
    expect(done.functions).toEqual({ state: 'done', target: null, ran: ['on-budget', 'power-off'], lastError: null });
    const [run] = await untilOk(() => activations(acme, 'acme', 'on-budget'), (a) => a.length >= 1);
    expect(run).toMatchObject({ trigger: 'event', status: 'success' });
    const event = loggedEvent(run.logs[0]);
    expect(event).toMatchObject({ type: THRESHOLD, eventId: alert.id, org: 'acme', alert: { id: alert.id, budgetId: budget.id, type: 'actual', percent: 50, kind: 'budget.threshold' } });
    expect(event.alert).not.toHaveProperty('delivery');

    await h.restart();
    expect((await jsonOf(await acme.post(`${SB}/budgets/check`, {}))).alerts).toEqual([]);
    await untilOk(() => alertIdsRun(acme, 'acme', 'power-off'), (ids) => ids.includes(alert.id));
    expect((await alertIdsRun(acme, 'acme', 'on-budget')).filter((id) => id === alert.id)).toHaveLength(1);
    expect((await alertIdsRun(acme, 'acme', 'power-off')).filter((id) => id === alert.id)).toHaveLength(1);
    // Another org's subscriber never hears of acme's alert.
    expect(await activations(globex, 'globex', 'globex-only')).toEqual([]);
    expect((await acme.delete(`${SB}/budgets/${budget.id}`)).status).toBe(204);
  });

  it("runs only the budget's own function when it names one", async () => {
    const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'one-target', amount: 1, thresholds: [{ type: 'actual', percent: 60 }], function: 'power-off' }));
    expect(budget.function).toBe('power-off');
    const [alert] = (await jsonOf(await acme.post(`${SB}/budgets/check`, {}))).alerts;
    const done = await untilOk(async () => jsonOf(await acme.get(`${SB}/alerts/${alert.id}`)), (a) => a.functions.state === 'done');
    expect(done.functions).toMatchObject({ target: 'power-off', ran: ['power-off'] });
    await untilOk(() => alertIdsRun(acme, 'acme', 'power-off'), (ids) => ids.includes(alert.id));
    expect(await alertIdsRun(acme, 'acme', 'on-budget')).not.toContain(alert.id);
    expect((await acme.delete(`${SB}/budgets/${budget.id}`)).status).toBe(204);
  });

  it("refuses a function of another org, a missing one or one not subscribed with 400 naming the field; stores nothing", async () => {
    const before = (await jsonOf(await acme.get(`${SB}/budgets`))).total;
    for (const [fn, message] of [
      ['globex-only', /does not exist in this organization/],
      ['nowhere', /does not exist in this organization/],
      ['plain-http', /does not subscribe to showback\/budget.threshold/],
    ] as const) {
      const res = await acme.post(`${SB}/budgets`, { name: `bad-${fn}`, amount: 100, function: fn });
      expect(res.status, fn).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = await problemOf(res);
      expect(problem.errors?.map((e) => e.path)).toEqual(['function']);
      expect(problem.detail).toMatch(message);
    }
    const kept = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'kept', amount: 1e9 }));
    expect((await problemOf(await acme.put(`${SB}/budgets/${kept.id}`, { function: 'globex-only' }))).errors?.[0].path).toBe('function');
    expect((await jsonOf(await acme.get(`${SB}/budgets/${kept.id}`))).function).toBeNull();
    await acme.delete(`${SB}/budgets/${kept.id}`);
    expect((await jsonOf(await acme.get(`${SB}/budgets`))).total).toBe(before);
  });

  // Two replicas need a store both reach: PostgreSQL only.
  if (kind === 'postgres') it('runs a function once per alert when two replicas check and hand over at once', async () => {
    const second: RunningServer = await startServer({ port: 0, vcdUrl: h.mock.url, logLevel: 'silent', ...h.store.overrides, showbackWebhookRetryBaseMs: 20 });
    try {
      const other = api(() => second.url, await h.login('acme'));
      const budget = await jsonOf(await acme.post(`${SB}/budgets`, { name: 'replicas', amount: 1, thresholds: [{ type: 'actual', percent: 70 }, { type: 'forecast', percent: 70 }] }));
      const answers = await Promise.all([acme.post(`${SB}/budgets/check`, {}), other.post(`${SB}/budgets/check`, {}), acme.post(`${SB}/budgets/check`, {}), other.post(`${SB}/budgets/check`, {})]);
      const recorded = (await Promise.all(answers.map(jsonOf))).flatMap((a) => a.alerts.map((x: { id: string }) => x.id));
      expect(recorded).toHaveLength(2);
      for (const id of recorded) await untilOk(async () => jsonOf(await other.get(`${SB}/alerts/${id}`)), (a) => a.functions.state === 'done');
      const ids = await untilOk(() => alertIdsRun(acme, 'acme', 'on-budget'), (all) => recorded.every((id) => all.includes(id)));
      for (const id of recorded) expect(ids.filter((x) => x === id)).toHaveLength(1);
      await acme.delete(`${SB}/budgets/${budget.id}`);
    } finally {
      await second.close();
    }
  });
});
