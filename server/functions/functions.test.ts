import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

const FNS = '/api/org/acme/faas/functions';

describe.each(STORES)('functions on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
  });
  afterAll(() => h?.close());

  describe("the user's path", () => {
    it('creates a function as initializing, builds it to ready, and invoking its route returns the handler body', async () => {
      const created = await acme.post(FNS, newFunction('hello'));
      expect(created.status).toBe(202);
      expect(created.headers.get('location')).toBe(`${FNS}/hello`);
      const view = await created.json();
      expect(view).toMatchObject({
        name: 'hello',
        org: 'acme',
        runtime: 'nodejs20',
        status: 'initializing',
        trigger: { type: 'http', route: 'hello' },
        limits: { memoryMb: 64, timeoutMs: 3000 },
        url: '/api/org/acme/hello',
      });

      expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');

      const res = await acme.get('/api/org/acme/hello?who=tester');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-greeting')).toBe('hi');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ hello: 'tester', method: 'GET', org: 'acme' });
    });

    it('lists functions with a total and honours limit and offset', async () => {
      await acme.post(FNS, newFunction('list-a'));
      await acme.post(FNS, newFunction('list-b'));
      const all = await jsonOf(await acme.get(FNS));
      expect(all.total).toBe(3);
      expect(all.items.map((f: { name: string }) => f.name)).toEqual(['hello', 'list-a', 'list-b']);
      const page = await (await acme.get(`${FNS}?limit=1&offset=1`)).json();
      expect(page).toMatchObject({ total: 3, items: [{ name: 'list-a' }] });
    });

    it('passes method, query, JSON body and headers to the handler but never the credentials', async () => {
      const code = `module.exports = async (event) => ({ statusCode: 201, body: event });`;
      await acme.post(FNS, newFunction('echo', { code }));
      await acme.waitBuilt('acme', 'echo');
      const res = await acme.post('/api/org/acme/echo/sub/path?x=1', { a: [1, 2] }, { 'X-Custom': 'yes', Cookie: 'vcloud_session=secret' });
      expect(res.status).toBe(201);
      const event = await jsonOf(res);
      expect(event).toMatchObject({ method: 'POST', path: '/api/org/acme/echo/sub/path', query: { x: '1' }, body: { a: [1, 2] } });
      expect(event.headers['x-custom']).toBe('yes');
      expect(event.headers).not.toHaveProperty('authorization');
      expect(event.headers).not.toHaveProperty('cookie');
    });

    it('answers a string body as text and passes a text request body as a string', async () => {
      const code = `module.exports = async (event) => ({ statusCode: 200, body: 'got ' + event.body });`;
      await acme.post(FNS, newFunction('text', { code }));
      await acme.waitBuilt('acme', 'text');
      const res = await acme.post('/api/org/acme/text', 'plain words', { 'Content-Type': 'text/plain' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('got plain words');
    });

    it('gives the handler no require, process, fetch, timers or filesystem', async () => {
      const code = `module.exports = async () => ({ statusCode: 200, body: {
  require: typeof require, process: typeof process, fetch: typeof fetch, setTimeout: typeof setTimeout, Buffer: typeof Buffer,
} });`;
      await acme.post(FNS, newFunction('sandboxed', { code }));
      await acme.waitBuilt('acme', 'sandboxed');
      expect(await jsonOf(await acme.get('/api/org/acme/sandboxed'))).toEqual({
        require: 'undefined', process: 'undefined', fetch: 'undefined', setTimeout: 'undefined', Buffer: 'undefined',
      });
    });

    it('answers 405 with Allow when the trigger accepts other methods only', async () => {
      await acme.post(FNS, newFunction('post-only', { trigger: { type: 'http', route: 'post-only', methods: ['POST'] } }));
      await acme.waitBuilt('acme', 'post-only');
      const res = await acme.get('/api/org/acme/post-only');
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect((await problemOf(res)).detail).toMatch(/accepts POST/);
      expect((await acme.post('/api/org/acme/post-only', {})).status).toBe(200);
    });

    it('deletes a function: 204, then it is gone from get, list and its route', async () => {
      await acme.post(FNS, newFunction('doomed'));
      await acme.waitBuilt('acme', 'doomed');
      expect((await acme.get('/api/org/acme/doomed')).status).toBe(200);
      expect((await acme.delete(`${FNS}/doomed`)).status).toBe(204);
      expect((await acme.get(`${FNS}/doomed`)).status).toBe(404);
      expect((await acme.get('/api/org/acme/doomed')).status).toBe(404);
      const names = (await jsonOf(await acme.get(FNS))).items.map((f: { name: string }) => f.name);
      expect(names).not.toContain('doomed');
      expect((await acme.delete(`${FNS}/doomed`)).status).toBe(404);
    });

    it('serves a re-created function with its new code, not the deleted one', async () => {
      await acme.post(FNS, newFunction('again', { code: `module.exports = async () => ({ statusCode: 200, body: 'one' });` }));
      await acme.waitBuilt('acme', 'again');
      expect(await (await acme.get('/api/org/acme/again')).text()).toBe('one');
      await acme.delete(`${FNS}/again`);
      await acme.post(FNS, newFunction('again', { code: `module.exports = async () => ({ statusCode: 200, body: 'two' });` }));
      await acme.waitBuilt('acme', 'again');
      expect(await (await acme.get('/api/org/acme/again')).text()).toBe('two');
    });

    it('resumes the build of a function left initializing when the backend restarts', async () => {
      await acme.post(FNS, newFunction('resumed'));
      // Closing waits for running builds, so mark the row unbuilt the way a killed process would leave it.
      await h.backend.close();
      const db = await openTestDb(h.store);
      await db.query(`UPDATE functions SET status = 'initializing', error = NULL WHERE org = 'acme' AND name = 'resumed'`);
      await db.query(`UPDATE function_versions SET status = 'initializing', error = NULL WHERE org = 'acme' AND name = 'resumed'`);
      await db.close();
      await h.restart();
      expect((await acme.waitBuilt('acme', 'resumed')).status).toBe('ready');
      expect((await acme.get('/api/org/acme/resumed')).status).toBe(200);
      // Data survives the restart.
      expect((await acme.get(`${FNS}/hello`)).status).toBe(200);
    });
  });

  describe('bad input: 4xx problem+json naming the field, nothing stored', () => {
    async function expectRejected(res: Response, status: number, field?: string) {
      expect(res.status).toBe(status);
      const problem = await problemOf(res);
      expect(problem.status).toBe(status);
      expect(problem.detail).toBeTruthy();
      if (field) expect(problem.errors?.map((e) => e.path)).toContain(field);
      return problem;
    }
    const countOf = async () => (await jsonOf(await acme.get(FNS))).total as number;

    it('rejects malformed JSON', async () => {
      const before = await countOf();
      await expectRejected(await acme.post(FNS, '{"name": "broken",'), 400, '(body)');
      expect(await countOf()).toBe(before);
    });

    it('rejects unknown fields, naming each', async () => {
      const problem = await expectRejected(await acme.post(FNS, newFunction('extra', { colour: 'red' })), 400, 'colour');
      expect(problem.detail).toContain('colour');
      await expectRejected(
        await acme.post(FNS, newFunction('extra2', { trigger: { type: 'http', route: 'extra2', verb: 'x' } })),
        400,
        'trigger.verb',
      );
      expect((await acme.get(`${FNS}/extra`)).status).toBe(404);
    });

    it('rejects a missing name and a name that is not a DNS label', async () => {
      const { name: _omit, ...nameless } = newFunction('x');
      await expectRejected(await acme.post(FNS, nameless), 400, 'name');
      for (const bad of ['Hello', 'has_underscore', '-dash', 'a'.repeat(64), '']) {
        await expectRejected(await acme.post(FNS, newFunction('ok-route', { name: bad })), 400, 'name');
      }
      expect((await acme.get('/api/org/acme/ok-route')).status).toBe(404);
    });

    it('rejects a missing route, an unknown runtime and empty code, naming each field', async () => {
      await expectRejected(await acme.post(FNS, newFunction('nr', { trigger: { type: 'http' } })), 400, 'trigger.route');
      await expectRejected(await acme.post(FNS, newFunction('rt', { runtime: 'cobol' })), 400, 'runtime');
      await expectRejected(await acme.post(FNS, newFunction('cd', { code: '' })), 400, 'code');
    });

    it('rejects limits above the provider maxima', async () => {
      await expectRejected(await acme.post(FNS, newFunction('big-mem', { limits: { memoryMb: 512 } })), 400, 'limits.memoryMb');
      await expectRejected(await acme.post(FNS, newFunction('long', { limits: { timeoutMs: 60_000 } })), 400, 'limits.timeoutMs');
      expect((await acme.get(`${FNS}/big-mem`)).status).toBe(404);
    });

    it('rejects a duplicate name with 409', async () => {
      const problem = await expectRejected(await acme.post(FNS, newFunction('hello', { trigger: { type: 'http', route: 'other' } })), 409, 'name');
      expect(problem.detail).toContain('hello');
    });

    it("rejects a route that collides with another function's route with 409", async () => {
      const problem = await expectRejected(
        await acme.post(FNS, newFunction('hello-two', { trigger: { type: 'http', route: '/hello/' } })),
        409,
        'trigger.route',
      );
      expect(problem.detail).toContain('hello');
      expect((await acme.get(`${FNS}/hello-two`)).status).toBe(404);
    });

    it('rejects a route that is a reserved word', async () => {
      for (const route of ['faas', 'showback', 'autoscale', 'provider', 'vdc', 'admin/x']) {
        await expectRejected(await acme.post(FNS, newFunction('reserved', { trigger: { type: 'http', route } })), 400, 'trigger.route');
      }
      expect((await acme.get(`${FNS}/reserved`)).status).toBe(404);
    });

    it('stores code that does not parse, then marks it failed with the line and column', async () => {
      const code = 'module.exports = async (event) => {\n  return { statusCode: 200, body: { a: 1,, } };\n};';
      expect((await acme.post(FNS, newFunction('syntax', { code }))).status).toBe(202);
      const fn = await acme.waitBuilt('acme', 'syntax');
      expect(fn.status).toBe('failed');
      expect(fn.error).toMatchObject({ line: 2, column: expect.any(Number) });
      expect(fn.error?.message).toMatch(/SyntaxError/);
      const res = await acme.get('/api/org/acme/syntax');
      expect(res.status).toBe(503);
      expect((await problemOf(res)).detail).toMatch(/failed to build/);
    });

    it('marks code whose module.exports is not a function as failed', async () => {
      await acme.post(FNS, newFunction('not-fn', { code: 'module.exports = 42;' }));
      const fn = await acme.waitBuilt('acme', 'not-fn');
      expect(fn.status).toBe('failed');
      expect(fn.error?.message).toMatch(/module\.exports must be a function/);
    });

    it('rejects a body over 1 MB with 413', async () => {
      const res = await acme.post(FNS, newFunction('huge', { code: 'x'.repeat(1024 * 1024 + 10) }));
      await expectRejected(res, 413);
      expect((await acme.get(`${FNS}/huge`)).status).toBe(404);
    });

    it('answers 404 problem+json for a route no function serves and for an unknown function', async () => {
      await expectRejected(await acme.get('/api/org/acme/nobody-here'), 404);
      await expectRejected(await acme.get(`${FNS}/nobody-here`), 404);
    });

    it('rejects unknown or invalid list parameters', async () => {
      await expectRejected(await acme.get(`${FNS}?limit=0`), 400, 'limit');
      await expectRejected(await acme.get(`${FNS}?sort=name`), 400, 'sort');
    });
  });

  describe('a failing handler never takes the backend down', () => {
    const code = `module.exports = async (event) => {
  const mode = event.query.mode;
  if (mode === 'throw') throw new Error('kaboom');
  if (mode === 'spin') while (true) {}
  if (mode === 'hang') await new Promise(() => {});
  if (mode === 'hog') { const hoard = []; while (true) hoard.push(new Array(1000000).fill(hoard.length)); }
  if (mode === 'nothing') return undefined;
  console.log('fine');
  return { statusCode: 200, body: { ok: true } };
};`;
    beforeAll(async () => {
      await acme.post(FNS, newFunction('fragile', { code, limits: { memoryMb: 16, timeoutMs: 500 } }));
      // The same code with time to spare: only the memory limit can stop its hoard, however loaded the machine is.
      await acme.post(FNS, newFunction('hoarder', { code, limits: { memoryMb: 16, timeoutMs: 10_000 } }));
      expect((await acme.waitBuilt('acme', 'fragile')).status).toBe('ready');
      expect((await acme.waitBuilt('acme', 'hoarder')).status).toBe('ready');
    });

    async function expectProblem(mode: string, status: number, detail: RegExp, fn = 'fragile') {
      const res = await acme.get(`/api/org/acme/${fn}?mode=${mode}`);
      expect(res.status).toBe(status);
      expect((await problemOf(res)).detail).toMatch(detail);
      const next = await acme.get(`/api/org/acme/${fn}`);
      expect(next.status).toBe(200);
      expect(await next.json()).toEqual({ ok: true });
      expect((await acme.get('/api/org/acme/hello')).status).toBe(200);
    }

    it('answers 502 naming the error when the handler throws, then serves the next call', async () => {
      await expectProblem('throw', 502, /threw Error: kaboom/);
    });

    it('answers 504 when the handler spins past its timeout, then serves the next call', async () => {
      await expectProblem('spin', 504, /timeout of 500 ms/);
    });

    it('answers 504 when the handler never resolves, then serves the next call', async () => {
      await expectProblem('hang', 504, /timeout of 500 ms/);
    });

    // A 10 s timeout: a loaded machine (load 15-20 on 2 cores) once took over 500 ms to fill 16 MB, and answered 504.
    it('answers 502 when the handler exceeds its memory limit, then serves the next call', async () => {
      await expectProblem('hog', 502, /memory limit of 16 MB/, 'hoarder');
    });

    it('answers 502 when the handler returns no response object', async () => {
      await expectProblem('nothing', 502, /returned no/);
    });

    it('answers 503 naming the cause while a function is still initializing', async () => {
      // Top-level code that runs for a while keeps the build (and so the function) initializing meanwhile.
      const slow = `const until = Date.now() + 1500; while (Date.now() < until) {}\n${'module.exports = async () => ({ statusCode: 200, body: "late" });'}`;
      expect((await acme.post(FNS, newFunction('slow-start', { code: slow }))).status).toBe(202);
      const res = await acme.get('/api/org/acme/slow-start');
      expect(res.status).toBe(503);
      expect((await problemOf(res)).detail).toMatch(/still initializing/);
      expect((await acme.waitBuilt('acme', 'slow-start')).status).toBe('ready');
      expect(await (await acme.get('/api/org/acme/slow-start')).text()).toBe('late');
    });
  });
});
