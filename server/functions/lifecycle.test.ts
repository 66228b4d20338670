import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { logCapture } from '../testing/logs';

const FNS = '/api/org/acme/faas/functions';
const answer = (text: string) => `module.exports = async () => ({ statusCode: 200, body: ${JSON.stringify(text)} });`;
const SECRET = 'sk-do-not-leak-7f3a9c';

describe.each(STORES)('function lifecycle on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  const logs = logCapture();

  beforeAll(async () => {
    h = await startHarness(kind, {
      backend: { logLevel: 'debug', activationsMaxPerFunction: 5, functionMaxResponseBytes: 2048 },
      logStream: logs.stream,
    });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
  });
  afterAll(() => h?.close());

  describe('versions', () => {
    beforeAll(async () => {
      await acme.post(FNS, newFunction('versioned', { code: answer('one') }));
      expect((await acme.waitBuilt('acme', 'versioned')).status).toBe('ready');
    });

    it('serves the new version once a PUT has built, and lists both versions newest first', async () => {
      const put = await acme.put(`${FNS}/versioned`, { code: answer('two') });
      expect(put.status).toBe(202);
      expect(await put.json()).toMatchObject({ version: 1, latestVersion: 2, status: 'initializing' });
      const built = await acme.waitBuilt('acme', 'versioned');
      expect(built).toMatchObject({ status: 'ready', version: 2, latestVersion: 2 });
      expect(await (await acme.get('/api/org/acme/versioned')).text()).toBe('two');

      const versions = await jsonOf(await acme.get(`${FNS}/versioned/versions`));
      expect(versions.total).toBe(2);
      expect(versions.items.map((v: { version: number; active: boolean; status: string }) => [v.version, v.active, v.status])).toEqual([
        [2, true, 'ready'],
        [1, false, 'ready'],
      ]);
      expect(versions.items[1].code).toBe(answer('one'));
    });

    it('keeps serving the old version when the new one fails to build, and shows the failure with its log', async () => {
      const put = await acme.put(`${FNS}/versioned`, { code: 'module.exports = async () => ({ statusCode: 200,, });' });
      expect(put.status).toBe(202);
      const view = await acme.waitBuilt('acme', 'versioned');
      expect(view).toMatchObject({ status: 'failed', version: 2, latestVersion: 3, error: { line: 1 } });
      expect((view as unknown as { buildLog: string }).buildLog).toMatch(/version 3 failed to build/);
      const res = await acme.get('/api/org/acme/versioned');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('two');
      const versions = await jsonOf(await acme.get(`${FNS}/versioned/versions?limit=1`));
      expect(versions).toMatchObject({ total: 3, items: [{ version: 3, status: 'failed', active: false }] });
    });

    it('rolls back to an earlier version, which serves at once', async () => {
      const res = await acme.post(`${FNS}/versioned/rollback`, { version: 1 });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ version: 1, latestVersion: 1, status: 'ready', code: answer('one') });
      expect(await (await acme.get('/api/org/acme/versioned')).text()).toBe('one');
    });

    it('rebuilds a failed version on rollback and keeps the serving one when it fails again', async () => {
      expect((await acme.post(`${FNS}/versioned/rollback`, { version: 3 })).status).toBe(202);
      expect(await acme.waitBuilt('acme', 'versioned')).toMatchObject({ status: 'failed', version: 1, latestVersion: 3 });
      expect(await (await acme.get('/api/org/acme/versioned')).text()).toBe('one');
    });

    it('makes the next PUT from the latest version, keeping the fields it does not name', async () => {
      expect((await acme.post(`${FNS}/versioned/rollback`, { version: 2 })).status).toBe(202);
      const put = await acme.put(`${FNS}/versioned`, { limits: { timeoutMs: 2000 }, env: { MODE: 'test' } });
      expect(put.status).toBe(202);
      const view = await acme.waitBuilt('acme', 'versioned');
      expect(view).toMatchObject({ status: 'ready', version: 4, code: answer('two'), limits: { memoryMb: 64, timeoutMs: 2000 }, env: { MODE: 'test' } });
    });

    it('rejects a rollback to a version that does not exist or without a version, naming the field', async () => {
      for (const body of [{ version: 99 }, {}, { version: 'one' }]) {
        const res = await acme.post(`${FNS}/versioned/rollback`, body);
        expect(res.status).toBe(400);
        expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['version']);
      }
      expect((await acme.post(`${FNS}/nope/rollback`, { version: 1 })).status).toBe(404);
    });

    it('rejects a PUT with limits above the provider maxima, naming the field and the maximum', async () => {
      const res = await acme.put(`${FNS}/versioned`, { limits: { memoryMb: 512, timeoutMs: 60_000 } });
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.errors).toEqual([
        { path: 'limits.memoryMb', message: 'at most 128 MB' },
        { path: 'limits.timeoutMs', message: 'at most 10000 ms' },
      ]);
      expect((await jsonOf(await acme.get(`${FNS}/versioned/versions`))).total).toBe(4);
    });

    it('rejects a PUT with unknown fields or a name, and a PUT of a function that does not exist', async () => {
      const res = await acme.put(`${FNS}/versioned`, { name: 'other', colour: 'red' });
      expect(res.status).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path).sort()).toEqual(['colour', 'name']);
      expect((await acme.put(`${FNS}/nope`, { code: answer('x') })).status).toBe(404);
    });

    it('rejects a PUT moving the route onto another function', async () => {
      await acme.post(FNS, newFunction('neighbour'));
      const res = await acme.put(`${FNS}/versioned`, { trigger: { type: 'http', route: 'neighbour' } });
      expect(res.status).toBe(409);
      expect((await problemOf(res)).errors?.[0].path).toBe('trigger.route');
    });
  });

  describe('activations', () => {
    const code = `module.exports = async (event) => {
  console.log('call', event.query.n || '-');
  if (event.query.mode === 'throw') throw new Error('broken');
  if (event.query.mode === 'spin') while (true) {}
  if (event.query.mode === 'chatty') for (let i = 0; i < 100; i++) console.log(String(i).padStart(1500, '.'));
  if (event.query.mode === 'big') return { statusCode: 200, body: 'x'.repeat(4096) };
  return { statusCode: 201, body: 'ok' };
};`;
    beforeAll(async () => {
      await acme.post(FNS, newFunction('tracked', { code, limits: { timeoutMs: 300 } }));
      expect((await acme.waitBuilt('acme', 'tracked')).status).toBe('ready');
    });

    it('records each call with its version, status, status code, logs and cold then warm start', async () => {
      expect((await acme.get('/api/org/acme/tracked?n=1')).status).toBe(201);
      expect((await acme.get('/api/org/acme/tracked?n=2')).status).toBe(201);
      const list = await jsonOf(await acme.get(`${FNS}/tracked/activations`));
      expect(list.total).toBe(2);
      const [second, first] = list.items;
      expect(first).toMatchObject({ function: 'tracked', version: 1, trigger: 'http', status: 'success', statusCode: 201, cold: true, memoryMb: 64 });
      expect(first.logs).toEqual(['info call 1']);
      expect(second).toMatchObject({ status: 'success', cold: false, logs: ['info call 2'], logsTruncated: false });
      expect(typeof first.durationMs).toBe('number');
      expect(Date.parse(second.start)).toBeGreaterThanOrEqual(Date.parse(first.start));

      const one = await acme.get(`/api/org/acme/faas/activations/${first.id}`);
      expect(one.status).toBe(200);
      expect(await one.json()).toEqual(first);
    });

    it('records a handler that throws as error with the logs it wrote, and one past its timeout as timeout', async () => {
      expect((await acme.get('/api/org/acme/tracked?mode=throw&n=3')).status).toBe(502);
      expect((await acme.get('/api/org/acme/tracked?mode=spin&n=4')).status).toBe(504);
      const errors = await jsonOf(await acme.get(`${FNS}/tracked/activations?status=error`));
      expect(errors.items).toHaveLength(1);
      expect(errors.items[0]).toMatchObject({ status: 'error', statusCode: 502, logs: ['info call 3'] });
      const timeouts = await jsonOf(await acme.get(`${FNS}/tracked/activations?status=timeout`));
      expect(timeouts.items).toMatchObject([{ status: 'timeout', statusCode: 504 }]);
    });

    it('caps the logs of a call at 64 KB and says they were truncated', async () => {
      expect((await acme.get('/api/org/acme/tracked?mode=chatty')).status).toBe(201);
      const [latest] = (await jsonOf(await acme.get(`${FNS}/tracked/activations?limit=1`))).items;
      expect(latest.logsTruncated).toBe(true);
      expect(latest.logs.at(-1)).toMatch(/truncated/);
      expect(Buffer.byteLength(latest.logs.join('\n'))).toBeLessThanOrEqual(64 * 1024);
      expect(latest.logs.length).toBeGreaterThan(10);
    });

    it('answers 502 naming the response limit when a handler answers too much, and records it as error', async () => {
      const res = await acme.get('/api/org/acme/tracked?mode=big');
      expect(res.status).toBe(502);
      const problem = await problemOf(res);
      expect(problem.type).toMatch(/response-too-large$/);
      expect(problem.detail).toMatch(/response limit of 2048 bytes/);
      const [latest] = (await jsonOf(await acme.get(`${FNS}/tracked/activations?limit=1`))).items;
      expect(latest).toMatchObject({ status: 'error', statusCode: 502 });
    });

    it('filters by status and time and pages with a total', async () => {
      const all = await jsonOf(await acme.get(`${FNS}/tracked/activations`));
      expect(all.total).toBe(5);
      const page = await jsonOf(await acme.get(`${FNS}/tracked/activations?limit=2&offset=1`));
      expect(page.total).toBe(5);
      expect(page.items.map((a: { id: string }) => a.id)).toEqual(all.items.slice(1, 3).map((a: { id: string }) => a.id));
      const oldest = all.items.at(-1);
      const until = await jsonOf(await acme.get(`${FNS}/tracked/activations?until=${encodeURIComponent(oldest.start)}`));
      expect(until.total).toBe(0);
      const since = await jsonOf(await acme.get(`${FNS}/tracked/activations?since=${encodeURIComponent(oldest.start)}&status=success`));
      expect(since.items.every((a: { status: string }) => a.status === 'success')).toBe(true);
      expect(since.total).toBe(all.items.filter((a: { status: string }) => a.status === 'success').length);
    });

    it('rejects bad filters naming the parameter', async () => {
      for (const [query, field] of [
        ['status=fine', 'status'],
        ['since=yesterday', 'since'],
        ['until=2026-13-01', 'until'],
        ['limit=0', 'limit'],
        ['colour=red', 'colour'],
      ]) {
        const res = await acme.get(`${FNS}/tracked/activations?${query}`);
        expect(res.status, query).toBe(400);
        expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual([field]);
      }
      expect((await acme.get(`${FNS}/nope/activations`)).status).toBe(404);
      expect((await acme.get('/api/org/acme/faas/activations/nope')).status).toBe(404);
    });

    it('keeps only the newest records per function (retention by count)', async () => {
      await acme.post(FNS, newFunction('busy', { code: answer('busy') }));
      await acme.waitBuilt('acme', 'busy');
      for (let i = 0; i < 8; i++) expect((await acme.get('/api/org/acme/busy')).status).toBe(200);
      expect((await jsonOf(await acme.get(`${FNS}/busy/activations`))).total).toBe(5);
    });

    it("drops a deleted function's records", async () => {
      await acme.post(FNS, newFunction('short-lived', { code: answer('bye') }));
      await acme.waitBuilt('acme', 'short-lived');
      await acme.get('/api/org/acme/short-lived');
      const [record] = (await jsonOf(await acme.get(`${FNS}/short-lived/activations`))).items;
      expect((await acme.delete(`${FNS}/short-lived`)).status).toBe(204);
      expect((await acme.get(`/api/org/acme/faas/activations/${record.id}`)).status).toBe(404);
    });
  });

  describe('env and secrets', () => {
    const code = `module.exports = async (event, context) => ({ statusCode: 200, body: {
  greeting: context.env.GREETING, tokenLength: (context.env.API_TOKEN || '').length, process: typeof process } });`;

    it('hands env and secrets to the handler as context.env and never answers a secret value', async () => {
      const created = await acme.post(FNS, newFunction('configured', { code, env: { GREETING: 'hallo' }, secrets: { API_TOKEN: SECRET } }));
      expect(created.status).toBe(202);
      const createdText = await created.text();
      expect(createdText).not.toContain(SECRET);
      expect(JSON.parse(createdText)).toMatchObject({ env: { GREETING: 'hallo' }, secretNames: ['API_TOKEN'] });
      await acme.waitBuilt('acme', 'configured');
      expect(await jsonOf(await acme.get('/api/org/acme/configured'))).toEqual({ greeting: 'hallo', tokenLength: SECRET.length, process: 'undefined' });

      for (const path of [`${FNS}/configured`, FNS, `${FNS}/configured/versions`, `${FNS}/configured/activations`]) {
        const res = await acme.get(path);
        expect(res.status, path).toBe(200);
        expect(await res.text(), path).not.toContain(SECRET);
      }
    });

    it('patches secrets on PUT: a value replaces, null removes, others are kept', async () => {
      await acme.put(`${FNS}/configured`, { secrets: { OTHER: 'x' } });
      expect(await acme.waitBuilt('acme', 'configured')).toMatchObject({ status: 'ready', secretNames: ['API_TOKEN', 'OTHER'] });
      expect((await jsonOf(await acme.get('/api/org/acme/configured'))).tokenLength).toBe(SECRET.length);
      await acme.put(`${FNS}/configured`, { secrets: { API_TOKEN: null } });
      expect(await acme.waitBuilt('acme', 'configured')).toMatchObject({ status: 'ready', secretNames: ['OTHER'] });
      expect((await jsonOf(await acme.get('/api/org/acme/configured'))).tokenLength).toBe(0);
    });

    it('rejects a secret named like an env entry and bad env names, naming the field', async () => {
      const res = await acme.post(FNS, newFunction('clash', { env: { TOKEN: 'a' }, secrets: { TOKEN: 'b' } }));
      expect(res.status).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['secrets.TOKEN']);
      const bad = await acme.put(`${FNS}/configured`, { env: { '1BAD': 'x' } });
      expect(bad.status).toBe(400);
      expect((await problemOf(bad)).errors?.[0].path).toMatch(/^env/);
    });

    it('never writes a secret value to the log', async () => {
      expect(logs.text()).toContain('function created');
      expect(logs.text()).not.toContain(SECRET);
    });
  });

  describe('tenant isolation', () => {
    it("does not let globex read acme's versions, activations or an activation by id", async () => {
      await acme.get('/api/org/acme/tracked?n=iso');
      const [record] = (await jsonOf(await acme.get(`${FNS}/tracked/activations?limit=1`))).items;
      for (const path of [
        `${FNS}/tracked/versions`,
        `${FNS}/tracked/activations`,
        `/api/org/acme/faas/activations/${record.id}`,
      ]) {
        expect((await globex.get(path)).status, path).toBe(403);
      }
      for (const path of [
        '/api/org/globex/faas/functions/tracked/versions',
        '/api/org/globex/faas/functions/tracked/activations',
        `/api/org/globex/faas/activations/${record.id}`,
      ]) {
        const res = await globex.get(path);
        expect(res.status, path).toBe(404);
        expect(await res.text()).not.toContain('tracked?');
      }
      expect((await globex.put(`${FNS}/tracked`, { code: answer('mine') })).status).toBe(403);
      expect((await globex.post(`${FNS}/tracked/rollback`, { version: 1 })).status).toBe(403);
      expect((await globex.put('/api/org/globex/faas/functions/tracked', { code: answer('mine') })).status).toBe(404);
    });
  });

  describe('retention by age', () => {
    it('drops records older than the configured age when the backend starts', async () => {
      const [kept] = (await jsonOf(await acme.get(`${FNS}/tracked/activations?limit=1`))).items;
      await h.backend.close();
      const db = await openTestDb(h.store);
      await db.query(
        `INSERT INTO activations (id, org, function, version, trigger, start, duration_ms, status, cold, memory_mb, status_code, logs, logs_truncated)
         VALUES ('ancient', 'acme', 'tracked', 1, 'http', now() - interval '30 days', 1, 'success', false, 64, 200, '[]', false)`,
      );
      await db.close();
      await h.restart();
      expect((await acme.get('/api/org/acme/faas/activations/ancient')).status).toBe(404);
      expect((await acme.get(`/api/org/acme/faas/activations/${kept.id}`)).status).toBe(200);
    });
  });
});

describe.each(STORES)('org quotas on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { orgMaxFunctions: 2, orgMaxConcurrentCalls: 1 } });
    acme = api(() => h.backend.url, await h.login('acme'));
  });
  afterAll(() => h?.close());

  it('answers 409 quota-exceeded past the function count, and makes room when one is deleted', async () => {
    const slow = `module.exports = async () => { const until = Date.now() + 400; while (Date.now() < until) {} return { statusCode: 200, body: 'done' }; };`;
    expect((await acme.post(FNS, newFunction('slow', { code: slow }))).status).toBe(202);
    expect((await acme.post(FNS, newFunction('second'))).status).toBe(202);
    const res = await acme.post(FNS, newFunction('third'));
    expect(res.status).toBe(409);
    const problem = await problemOf(res);
    expect(problem.type).toMatch(/quota-exceeded$/);
    expect(problem.detail).toMatch(/quota of 2 functions/);
    expect((await acme.delete(`${FNS}/second`)).status).toBe(204);
    expect((await acme.post(FNS, newFunction('third'))).status).toBe(202);
  });

  it('answers 429 problem+json with Retry-After past the concurrent calls quota, and records the rejection', async () => {
    await acme.waitBuilt('acme', 'slow');
    const answers = await Promise.all(Array.from({ length: 4 }, () => acme.get('/api/org/acme/slow')));
    const statuses = answers.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    const rejected = answers.find((r) => r.status === 429) as Response;
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect((await problemOf(rejected)).detail).toMatch(/1 calls at once/);
    const list = await jsonOf(await acme.get(`${FNS}/slow/activations?status=rejected`));
    expect(list.total).toBe(statuses.filter((s) => s === 429).length);
    expect(list.items[0]).toMatchObject({ status: 'rejected', statusCode: 429 });
  });
});
