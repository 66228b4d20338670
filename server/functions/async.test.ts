import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../main';
import { until } from '../testing/until';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

/**
 * Issue 13, item 1: X-Invocation-Type: Event queues a call (202 at once), the backend runs it in the background
 * with retries, and a call that fails every attempt lands in the function's dead letters, from which it can be
 * re-driven or deleted; destinations call another function with the outcome. On PGlite and PostgreSQL.
 */

/** Logs the body it got; fails (throws) while the body says so, answers 500 for `{"answer":500}`. */
const FLAKY = `module.exports = async (event) => {
  console.log('body ' + JSON.stringify(event.body));
  if (event.body && event.body.fail) throw new Error('asked to fail');
  if (event.body && event.body.answer) return { statusCode: event.body.answer, body: { failed: true } };
  return { statusCode: 200, body: { got: event.body } };
};`;
const LOG_EVENT = 'module.exports = async (event) => { console.log(JSON.stringify(event)); return { statusCode: 200, body: { ok: true } }; };';

type Client = ReturnType<typeof api>;
type Activation = { id: string; trigger: string; attempt?: number; status: string; statusCode: number; logs: string[] };

describe.each(STORES)('async calls and dead letters on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  const secret = randomUUID();

  const activations = async (name: string): Promise<Activation[]> => (await jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/activations`))).items;
  const deadLetters = async (name: string) => jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/dead-letters`));
  const callAsync = (route: string, body: unknown) => acme.post(`/api/org/acme/${route}`, body, { 'X-Invocation-Type': 'Event' });
  async function create(fn: Record<string, unknown>): Promise<void> {
    const res = await acme.post('/api/org/acme/faas/functions', fn);
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await acme.waitBuilt('acme', fn.name as string)).status).toBe('ready');
  }

  beforeAll(async () => {
    h = await startHarness(kind, {
      mock: { sharedSecret: secret },
      backend: { extensionSharedSecret: secret, asyncPollMs: 50, asyncRetryBaseMs: 20, orgRateLimitPerMinute: 0 },
    });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 180_000);
  afterAll(() => h?.close());

  it('answers 202 with the activation id at once and runs the call in the background as trigger async, attempt 1', async () => {
    await create(newFunction('queued', { code: FLAKY }));
    const res = await callAsync('queued', { n: 1 });
    expect(res.status).toBe(202);
    const id = res.headers.get('x-activation-id');
    expect(await res.json()).toEqual({ activationId: id, status: 'queued' });
    const run = await until('the queued call to run', async () => {
      const r = await acme.get(`/api/org/acme/faas/activations/${id}`);
      return r.status === 200 ? ((await r.json()) as Activation) : undefined;
    });
    expect(run).toMatchObject({ id, trigger: 'async', attempt: 1, status: 'success', statusCode: 200 });
    expect(run.logs.join('\n')).toContain('body {"n":1}');
    expect((await deadLetters('queued')).total).toBe(0);
  });

  it('queues the same call by name (POST .../functions/{name}/invocations), for proxies that drop X-Invocation-Type', async () => {
    const res = await acme.post('/api/org/acme/faas/functions/queued/invocations?x=1', { by: 'name' });
    expect(res.status).toBe(202);
    const id = res.headers.get('x-activation-id');
    const run = await until('the call to run', async () => {
      const r = await acme.get(`/api/org/acme/faas/activations/${id}`);
      return r.status === 200 ? ((await r.json()) as Activation) : undefined;
    });
    expect(run).toMatchObject({ trigger: 'async', attempt: 1, status: 'success' });
    expect(run.logs.join('\n')).toContain('body {"by":"name"}');
    expect((await problemOf(await acme.post('/api/org/acme/faas/functions/none/invocations', {}))).status).toBe(404);
  });

  it('retries a failing call maxRetries times, then lists it in the dead letters with its body, error and attempts', async () => {
    await create(newFunction('fails', { code: FLAKY, async: { maxRetries: 1 } }));
    const id = (await callAsync('fails', { fail: true, ledger: 'x' })).headers.get('x-activation-id');
    const dead = await until('the dead letter', async () => {
      const list = await deadLetters('fails');
      return list.total === 1 ? list.items[0] : undefined;
    });
    expect(dead).toMatchObject({ id, function: 'fails', trigger: 'async', attempts: 2, error: { message: expect.stringContaining('asked to fail'), status: 'error' } });
    expect(dead.event.body).toEqual({ fail: true, ledger: 'x' });
    expect(dead.event.headers).not.toHaveProperty('authorization');
    expect(Date.parse(dead.deadAt)).toBeGreaterThanOrEqual(Date.parse(dead.acceptedAt));
    const runs = (await activations('fails')).sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
    expect(runs.map((r) => [r.trigger, r.attempt, r.status])).toEqual([
      ['async', 1, 'error'],
      ['async', 2, 'error'],
    ]);
    expect(runs[0].id).toBe(id);
  });

  it('counts a 5xx answer as a failure (maxRetries 0: one attempt)', async () => {
    await create(newFunction('answers-500', { code: FLAKY, async: { maxRetries: 0 } }));
    await callAsync('answers-500', { answer: 503 });
    const dead = await until('the dead letter', async () => ((await deadLetters('answers-500')).items[0] as { attempts: number; error: unknown } | undefined));
    expect(dead).toMatchObject({ attempts: 1, error: { statusCode: 503 } });
  });

  it('re-drives a dead letter (it runs again with the fixed code) and deletes another', async () => {
    await create(newFunction('redrive', { code: FLAKY, async: { maxRetries: 0 } }));
    await callAsync('redrive', { fail: true, keep: 1 });
    await callAsync('redrive', { fail: true, keep: 2 });
    const both = await until('two dead letters', async () => {
      const list = await deadLetters('redrive');
      // The list and its total are two reads: wait until both show the two letters.
      return list.total === 2 && list.items.length === 2 ? (list.items as { id: string; event: { body: { keep: number } } }[]) : undefined;
    });
    // The fix: a new version that succeeds whatever the body says.
    expect((await acme.put('/api/org/acme/faas/functions/redrive', { code: LOG_EVENT })).status).toBe(202);
    await until('the new version to serve', async () => ((await jsonOf(await acme.get('/api/org/acme/faas/functions/redrive'))).version === 2 ? true : undefined));
    const [first, second] = [both.find((d) => d.event.body.keep === 1)!, both.find((d) => d.event.body.keep === 2)!];
    const redriven = await acme.post(`/api/org/acme/faas/functions/redrive/dead-letters/${first.id}/redrive`, {});
    expect(redriven.status).toBe(202);
    expect(await redriven.json()).toEqual({ activationId: first.id, status: 'queued' });
    const ok = await until('the re-driven call to succeed', async () => (await activations('redrive')).find((a) => a.status === 'success'));
    expect(ok).toMatchObject({ trigger: 'async', attempt: 2 });
    expect(JSON.parse(ok.logs[0].replace(/^info /, '')).body).toEqual({ fail: true, keep: 1 });
    expect((await acme.delete(`/api/org/acme/faas/functions/redrive/dead-letters/${second.id}`)).status).toBe(204);
    expect((await deadLetters('redrive')).total).toBe(0);
    // Gone: a second delete, or a re-drive of a letter that is no longer dead, is a 404.
    expect((await problemOf(await acme.delete(`/api/org/acme/faas/functions/redrive/dead-letters/${second.id}`))).status).toBe(404);
    expect((await acme.post(`/api/org/acme/faas/functions/redrive/dead-letters/${first.id}/redrive`, {})).status).toBe(404);
    // Both are in the org's audit log, once each (the refused second tries are not).
    const audit = (await jsonOf(await acme.get('/api/org/acme/audit?kind=deadLetters'))).items as { action: string; target: string }[];
    expect(audit.map((e) => `${e.action} ${e.target}`)).toEqual([
      `delete dead letter ${second.id} of function redrive`,
      `redrive dead letter ${first.id} of function redrive`,
    ]);
  });

  it('calls onSuccess and onFailure destinations with the outcome', async () => {
    await create(newFunction('sink', { code: LOG_EVENT }));
    await create(newFunction('with-dest', { code: FLAKY, async: { maxRetries: 0, onSuccess: { function: 'sink' }, onFailure: { function: 'sink' } } }));
    const okId = (await callAsync('with-dest', { n: 7 })).headers.get('x-activation-id');
    const failId = (await callAsync('with-dest', { fail: true })).headers.get('x-activation-id');
    const runs = await until('two destination calls', async () => {
      const list = await activations('sink');
      return list.length >= 2 ? list : undefined;
    });
    const events = runs.map((r) => JSON.parse(r.logs[0].replace(/^info /, '')));
    const success = events.find((e) => e.requestContext.condition === 'Success');
    const failure = events.find((e) => e.requestContext.condition === 'RetriesExhausted');
    expect(success).toMatchObject({ requestContext: { requestId: okId, function: 'with-dest' }, responsePayload: { got: { n: 7 } } });
    expect(failure).toMatchObject({ requestContext: { requestId: failId, approximateInvokeCount: 1 }, error: { message: expect.stringContaining('asked to fail') } });
    expect(runs.every((r) => r.trigger === 'async')).toBe(true);
  });

  it('refuses bad async settings and a bad X-Invocation-Type with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ maxRetries: 3 }, 'async.maxRetries'],
      [{ maxEventAgeSeconds: 30 }, 'async.maxEventAgeSeconds'],
      [{ maxEventAgeSeconds: 21_601 }, 'async.maxEventAgeSeconds'],
      [{ onSuccess: { function: 'bad-dest' } }, 'async.onSuccess.function'],
      [{ onFailure: { function: 'nowhere' } }, 'async.onFailure.function'],
      [{ retries: 1 }, 'async.retries'],
    ];
    for (const [settings, path] of cases) {
      const problem = await problemOf(await acme.post('/api/org/acme/faas/functions', newFunction('bad-dest', { async: settings })));
      expect(problem.status, JSON.stringify(settings)).toBe(400);
      expect(problem.errors?.map((e) => e.path), JSON.stringify(settings)).toContain(path);
    }
    // Another org's function of that name is not this org's: globex has "sink" too, acme's destination must exist in acme.
    const globex = api(() => h.backend.url, await h.login('globex'));
    expect((await globex.post('/api/org/globex/faas/functions', newFunction('globex-only'))).status).toBe(202);
    const foreign = await problemOf(await acme.post('/api/org/acme/faas/functions', newFunction('foreign-dest', { async: { onFailure: { function: 'globex-only' } } })));
    expect(foreign.errors?.map((e) => e.path)).toEqual(['async.onFailure.function']);
    const bad = await problemOf(await acme.post('/api/org/acme/queued', {}, { 'X-Invocation-Type': 'Later' }));
    expect(bad.status).toBe(400);
    expect((await problemOf(await acme.get('/api/org/acme/faas/functions/nope/dead-letters'))).status).toBe(404);
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/queued'));
    expect(view.async).toEqual({ maxRetries: 2, maxEventAgeSeconds: 21_600 });
  });

  it('changes the async settings with PUT', async () => {
    const res = await acme.put('/api/org/acme/faas/functions/queued', { async: { maxRetries: 0, maxEventAgeSeconds: 120, onFailure: { function: 'sink' } } });
    expect(res.status).toBe(202);
    expect((await jsonOf(res)).async).toEqual({ maxRetries: 0, maxEventAgeSeconds: 120, onFailure: { function: 'sink' } });
    const self = await problemOf(await acme.put('/api/org/acme/faas/functions/queued', { async: { onSuccess: { function: 'queued' } } }));
    expect(self.errors?.map((e) => e.path)).toEqual(['async.onSuccess.function']);
  });

  // Two replicas need a store both reach: PostgreSQL only, so the test exists only in the PostgreSQL run.
  if (kind === 'postgres') it('shares the queue between two replicas on one PostgreSQL: every call runs once', async () => {
    await create(newFunction('shared', { code: FLAKY }));
    // A second replica on the same database: its worker claims from the same queue (SKIP LOCKED).
    const second = await startServer({ ...h.store.overrides, port: 0, vcdUrl: h.mock.url, logLevel: 'silent', extensionSharedSecret: secret, asyncPollMs: 20, orgRateLimitPerMinute: 0 });
    try {
      const via = [acme, api(() => second.url, await h.login('acme'))];
      const ids = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await via[i % 2].post('/api/org/acme/shared', { i }, { 'X-Invocation-Type': 'Event' })).headers.get('x-activation-id')));
      const runs = await until('every call to run', async () => {
        const list = (await jsonOf(await acme.get('/api/org/acme/faas/functions/shared/activations?limit=100'))).items as Activation[];
        return list.length >= 30 ? list : undefined;
      });
      await new Promise((r) => setTimeout(r, 300));
      const after = (await jsonOf(await acme.get('/api/org/acme/faas/functions/shared/activations?limit=100'))).items as Activation[];
      expect(after).toHaveLength(30);
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(ids));
      expect(runs.every((r) => r.attempt === 1 && r.status === 'success')).toBe(true);
    } finally {
      await second.close();
    }
  });

  if (kind === 'postgres') it('delivers a vCD event that reached a function still building once it is ready (item 6)', async () => {
    await create({ name: 'on-vm', runtime: 'nodejs20', code: LOG_EVENT, trigger: { type: 'event', events: ['com/vmware/vcloud/event/vm/create'] } });
    const db = new pg.Client({ connectionString: h.store.overrides.databaseUrl });
    await db.connect();
    try {
      // What a build in progress looks like to the event intake (a real build of an isolate takes milliseconds).
      await db.query(`UPDATE functions SET status = 'initializing' WHERE org = 'acme' AND name = 'on-vm'`);
      const session = await jsonOf(await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${await h.login('acme')}` } }));
      const eventId = randomUUID();
      const body = JSON.stringify({ eventId, type: 'com/vmware/vcloud/event/vm/create', timestamp: new Date().toISOString(), operationSuccess: true, org: session.org.id });
      const signature = createHmac('sha256', secret).update(body).digest('hex');
      const sent = await fetch(`${h.backend.url}/notifications/vcd`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Notification-Signature': signature }, body });
      expect(sent.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(await activations('on-vm')).toEqual([]);
      await db.query(`UPDATE functions SET status = 'ready' WHERE org = 'acme' AND name = 'on-vm'`);
      const [run] = await until('the held event to run', async () => {
        const list = await activations('on-vm');
        return list.length ? list : undefined;
      });
      expect(run).toMatchObject({ trigger: 'event', status: 'success' });
      expect(JSON.parse(run.logs[0].replace(/^info /, '')).eventId).toBe(eventId);
    } finally {
      await db.end();
    }
  });
});
