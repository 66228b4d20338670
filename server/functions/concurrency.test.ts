import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { until as poll } from '../testing/until';

/**
 * Issue 13, item 4: a function's own maxConcurrency beside the org's quota. Synchronous calls over it answer 429 with
 * Retry-After naming the function's limit; queued calls over it wait in the queue and run one after another. On
 * PGlite and PostgreSQL.
 */

/** Runs as long as the body asks (an isolate has no timers: a busy loop), so two calls overlap for sure. */
const SLOW = `module.exports = async (event) => {
  const ms = (event.body && event.body.ms) || 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {}
  return { statusCode: 200, body: { slept: ms } };
};`;

type Client = ReturnType<typeof api>;
type Activation = { id: string; trigger: string; attempt?: number; status: string; start: string; durationMs: number };

/** The shared poller (server/testing/until.ts) with this file's patience. */
const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => poll(what, probe, { timeoutMs: 30_000 });

describe.each(STORES)('per-function concurrency on %s', (kind) => {
  let h: Harness;
  let acme: Client;

  async function create(fn: Record<string, unknown>): Promise<void> {
    const res = await acme.post('/api/org/acme/faas/functions', fn);
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await acme.waitBuilt('acme', fn.name as string)).status).toBe('ready');
  }
  const call = (route: string, ms: number) => acme.post(`/api/org/acme/${route}`, { ms });

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { asyncPollMs: 30, asyncRetryBaseMs: 20, orgRateLimitPerMinute: 0 } });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 180_000);
  afterAll(() => h?.close());

  it('rejects a maxConcurrency that is not a whole number from 1 to 1000, naming the field', async () => {
    for (const bad of [0, 1.5, 'two', 1001]) {
      const res = await acme.post('/api/org/acme/faas/functions', newFunction('capped-bad', { maxConcurrency: bad }));
      expect(res.status, String(bad)).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path)).toContain('maxConcurrency');
    }
  });

  it('answers 429 with Retry-After, naming the function and its limit, to a call over maxConcurrency; lifting it lets both run', async () => {
    await create({ ...newFunction('capped', { code: SLOW, maxConcurrency: 1 }), limits: { timeoutMs: 10_000 } });
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/capped'))).maxConcurrency).toBe(1);
    const answers = await Promise.all([call('capped', 3000), call('capped', 3000)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429]);
    const over = answers.find((r) => r.status === 429) as Response;
    expect(over.headers.get('retry-after')).toBe('1');
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect((await problemOf(over)).detail).toContain('function "capped" already runs 1 calls at once, its maxConcurrency');

    const lifted = await acme.put('/api/org/acme/faas/functions/capped', { maxConcurrency: null });
    expect(lifted.status).toBe(202);
    expect((await acme.waitBuilt('acme', 'capped')).status).toBe('ready');
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/capped'))).maxConcurrency).toBeUndefined();
    const both = await Promise.all([call('capped', 1000), call('capped', 1000)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
  });

  it('keeps queued calls over maxConcurrency in the queue: they run one after another, none dead-lettered', async () => {
    await create({ ...newFunction('serial', { code: SLOW, maxConcurrency: 1 }), limits: { timeoutMs: 10_000 } });
    for (let i = 0; i < 3; i++) {
      const res = await acme.post('/api/org/acme/serial', { ms: 400 }, { 'X-Invocation-Type': 'Event' });
      expect(res.status).toBe(202);
    }
    const runs = await until('the three queued calls to run', async () => {
      const items: Activation[] = (await jsonOf(await acme.get('/api/org/acme/faas/functions/serial/activations'))).items;
      return items.filter((a) => a.status === 'success').length >= 3 ? items : undefined;
    });
    expect(runs.map((a) => `${a.trigger}#${a.attempt}:${a.status}`)).toEqual(['async#1:success', 'async#1:success', 'async#1:success']);
    const spans = runs.map((a) => [Date.parse(a.start), Date.parse(a.start) + a.durationMs]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1] - 50);
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/serial/dead-letters'))).total).toBe(0);
  });
});
