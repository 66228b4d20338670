import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../main';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

/**
 * Issue 13, item 5: live logs. A call made after a reader opened the feed (long-poll) or the stream (SSE) reaches it
 * with its log lines, filtered by status, version and trigger; across replicas on one PostgreSQL; never another
 * org's. On PGlite and PostgreSQL.
 */

const LOUD = `module.exports = async (event) => {
  console.log('hello ' + (event.query.who || 'nobody'));
  if (event.query.fail) throw new Error('asked to fail');
  return { statusCode: 200, body: 'ok' };
};`;

type Client = ReturnType<typeof api>;
type Activation = { id: string; status: string; version: number; trigger: string; logs: string[] };
const BASE = '/api/org/acme/faas/functions/loud';

/** Reads Server-Sent Events off a fetch body, block by block as they come; closes the connection when left. */
async function* sseEvents(res: Response): AsyncGenerator<{ id?: string; event?: string; data?: string }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const m = /^(\w+): ?(.*)$/.exec(line);
          if (m) fields[m[1]] = m[2];
        }
        yield fields;
      }
    }
  } finally {
    await reader.cancel();
  }
}

/** The first activation event of the stream, read until one comes. */
async function nextActivation(events: AsyncGenerator<{ event?: string; data?: string }>): Promise<Activation> {
  for await (const e of events) if (e.event === 'activation') return JSON.parse(e.data as string) as Activation;
  throw new Error('the stream ended without an activation');
}

describe.each(STORES)('live logs on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  let globex: Client;
  let token: string;

  const feed = async (query: string) => {
    const res = await acme.get(`${BASE}/activations/feed?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await jsonOf(res)) as { items: Activation[]; cursor: string };
  };
  const openStream = (query = '', base = h.backend.url) =>
    fetch(`${base}${BASE}/activations/stream?${query}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { containerEngine: 'off', orgRateLimitPerMinute: 0 } });
    token = await h.login('acme');
    acme = api(() => h.backend.url, token);
    globex = api(() => h.backend.url, await h.login('globex'));
    const res = await acme.post('/api/org/acme/faas/functions', { name: 'loud', runtime: 'nodejs20', code: LOUD, trigger: { type: 'http', route: 'loud' } });
    expect(res.status).toBe(202);
    expect((await acme.waitBuilt('acme', 'loud')).status).toBe('ready');
  }, 60_000);
  afterAll(() => h?.close());

  it('long-poll: a call made after the feed was opened arrives with its log lines; earlier calls do not', async () => {
    await acme.get('/api/org/acme/loud?who=before');
    const { items, cursor } = await feed('waitMs=0');
    expect(items).toEqual([]);
    const waiting = feed(`after=${cursor}&waitMs=15000`);
    await acme.get('/api/org/acme/loud?who=after');
    const page = await waiting;
    expect(page.items.map((a) => a.logs)).toEqual([['info hello after']]);
    expect(page.items[0]).toMatchObject({ status: 'success', trigger: 'http', version: 1 });
    expect(BigInt(page.cursor)).toBeGreaterThan(BigInt(cursor));
  });

  it('filters by status, version and trigger', async () => {
    const { cursor } = await feed('waitMs=0');
    await acme.get('/api/org/acme/loud?who=fine');
    await acme.get('/api/org/acme/loud?who=broken&fail=1');
    expect((await acme.post('/api/org/acme/loud?who=queued', {}, { 'X-Invocation-Type': 'Event' })).status).toBe(202);
    const errors = await feed(`after=${cursor}&status=error&waitMs=15000`);
    expect(errors.items.map((a) => a.logs[0])).toEqual(['info hello broken']);
    const queued = await feed(`after=${cursor}&trigger=async&waitMs=15000`);
    expect(queued.items.map((a) => a.logs[0])).toEqual(['info hello queued']);
    expect((await feed(`after=${cursor}&version=2&waitMs=0`)).items).toEqual([]);
    expect((await feed(`after=${cursor}&version=1&waitMs=0`)).items.length).toBeGreaterThanOrEqual(2);
  });

  it('streams a call made after the stream opened as an SSE event with its log lines, honouring the filter', async () => {
    const res = await openStream('status=success');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sseEvents(res);
    // The stream's first block (its cursor) says it is open: calls from now on are in it.
    expect((await events.next()).value).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
    await acme.get('/api/org/acme/loud?who=streamed&fail=1');
    await acme.get('/api/org/acme/loud?who=streamed');
    const a = await nextActivation(events);
    expect(a).toMatchObject({ status: 'success', logs: ['info hello streamed'] });
    await events.return(undefined);
  });

  it('answers bad cursors and filters with 400 naming the parameter, a stream asked for JSON with 406', async () => {
    for (const [q, path] of [['after=abc', 'after'], ['waitMs=99999', 'waitMs'], ['status=bogus', 'status'], ['trigger=cron', 'trigger'], ['version=0', 'version']]) {
      const res = await acme.get(`${BASE}/activations/feed?${q}`);
      expect(res.status, q).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path)).toContain(path);
    }
    const json = await acme.get(`${BASE}/activations/stream`);
    expect(json.status).toBe(406);
    expect((await problemOf(json)).detail).toMatch(/text\/event-stream/);
  });

  it('never shows another org its feed or stream: 403 for acme\'s org, 404 for the name in its own', async () => {
    expect((await globex.get(`${BASE}/activations/feed`)).status).toBe(403);
    const own = await globex.get('/api/org/globex/faas/functions/loud/activations/feed');
    expect(own.status).toBe(404);
    expect((await problemOf(own)).detail).toMatch(/does not exist/);
    const stream = await globex.get(`${BASE}/activations/stream`, { Accept: 'text/event-stream' });
    expect(stream.status).toBe(403);
  });

  if (kind === 'postgres') {
    it('streams on replica A a call served by replica B', async () => {
      let b: RunningServer | undefined;
      try {
        b = await startServer({ ...h.store.overrides, port: 0, vcdUrl: h.mock.url, logLevel: 'silent', vcdTransport: 'http', containerEngine: 'off' });
        const res = await openStream();
        const events = sseEvents(res);
        await events.next();
        const onB = await fetch(`${b.url}/api/org/acme/loud?who=replica-b`, { headers: { Authorization: `Bearer ${token}` } });
        expect(onB.status).toBe(200);
        expect(await nextActivation(events)).toMatchObject({ logs: ['info hello replica-b'] });
        await events.return(undefined);
      } finally {
        await b?.close();
      }
    });
  }
});
