import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { until } from '../testing/until';
import { AliasStore } from './alias-store';

/**
 * Issue 13, item 3: aliases and canary releases over HTTP, on PGlite and PostgreSQL. live follows the current
 * version; a canary gets its share of the calls; promote, roll back, the automatic rollback with its numbers in the
 * history, and bad input answering 400 naming the field with nothing stored.
 */

const answers = (v: number) => `module.exports = async () => ({ statusCode: 200, body: { v: ${v} } });`;
const THROWS = `module.exports = async () => { throw new Error('canary broke'); };`;

type Client = ReturnType<typeof api>;

describe.each(STORES)('aliases and canaries on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  const base = '/api/org/acme/faas/functions';

  /** A function with one version per code, built in turn; the last one is current. */
  async function withVersions(name: string, ...codes: string[]): Promise<void> {
    expect((await acme.post(base, newFunction(name, { code: codes[0] }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    for (const code of codes.slice(1)) {
      expect((await acme.put(`${base}/${name}`, { code })).status).toBe(202);
      expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    }
  }
  /** Calls the route n times (one after another) and counts the answers by version. */
  async function served(route: string, n: number, headers?: Record<string, string>): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const res = await acme.post(`/api/org/acme/${route}`, {}, headers);
      const key = res.status === 200 ? `v${(await jsonOf(res)).v}` : String(res.status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }
  const live = (name: string) => acme.get(`${base}/${name}/aliases/live`).then(jsonOf);
  const history = (name: string) => acme.get(`${base}/${name}/history`).then(jsonOf);

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { orgRateLimitPerMinute: 0 } });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 60_000);
  afterAll(() => h?.close());

  it('has live on every function, following the current version as PUT and rollback move it', async () => {
    await withVersions('plain', answers(1), answers(2));
    expect(await jsonOf(await acme.get(`${base}/plain/aliases`))).toEqual({
      items: [{ name: 'live', function: 'plain', traffic: [{ version: 2, weight: 100 }], tracksCurrentVersion: true }],
    });
    expect(await served('plain', 3)).toEqual({ v2: 3 });
    expect((await acme.post(`${base}/plain/rollback`, { version: 1 })).status).toBe(202);
    expect((await live('plain')).traffic).toEqual([{ version: 1, weight: 100 }]);
    const [call] = (await jsonOf(await acme.get(`${base}/plain/activations`))).items;
    expect(call).toMatchObject({ version: 2, alias: 'live', trigger: 'http' });
  });

  it('rejects bad aliases with 400 naming the field, and stores nothing', async () => {
    await withVersions('picky', answers(1), answers(2));
    expect((await acme.put(`${base}/picky`, { code: 'module.exports = (' })).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'picky')).status).toBe('failed');
    const bad: Array<[unknown, string]> = [
      [{ name: 'beta', traffic: [{ version: 1, weight: 90 }, { version: 2, weight: 5 }] }, 'traffic'],
      [{ name: 'beta', traffic: [{ version: 1, weight: 90 }, { version: 9, weight: 10 }] }, 'traffic.1.version'],
      [{ name: 'beta', traffic: [{ version: 1, weight: 90 }, { version: 3, weight: 10 }] }, 'traffic.1.version'],
      [{ name: 'live', traffic: [{ version: 1, weight: 100 }] }, 'name'],
      [{ name: 'Beta!', traffic: [{ version: 1, weight: 100 }] }, 'name'],
      [{ name: 'beta', traffic: [{ version: 1, weight: 100 }], autoRollback: { errorRatePercent: 150 } }, 'autoRollback.errorRatePercent'],
      [{ name: 'beta', traffic: [{ version: 1, weight: 100 }], autoRollback: { errorRatePercent: 20, windowSeconds: 1 } }, 'autoRollback.windowSeconds'],
    ];
    for (const [body, field] of bad) {
      const res = await acme.post(`${base}/picky/aliases`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await problemOf(res)).errors?.map((e) => e.path), JSON.stringify(body)).toContain(field);
    }
    const put = await acme.put(`${base}/picky/aliases/live`, { traffic: [{ version: 2, weight: 50 }, { version: 1, weight: 40 }] });
    expect((await problemOf(put)).errors?.map((e) => e.path)).toContain('traffic');
    expect((await jsonOf(await acme.get(`${base}/picky/aliases`))).items.map((a: { name: string }) => a.name)).toEqual(['live']);
    expect((await history('picky')).total).toBe(0);
    expect((await acme.post(`${base}/picky/aliases`, { name: 'beta', traffic: [{ version: 1, weight: 100 }] })).status).toBe(201);
    const taken = await acme.post(`${base}/picky/aliases`, { name: 'beta', traffic: [{ version: 2, weight: 100 }] });
    expect((await problemOf(taken)).errors?.map((e) => e.path)).toEqual(['name']);
    expect((await acme.delete(`${base}/picky/aliases/live`)).status).toBe(400);
  });

  it('splits calls by weight (wide bounds over 200 calls), records the version and alias, and promotes in one call', async () => {
    await withVersions('split', answers(1), answers(2));
    const set = await acme.put(`${base}/split/aliases/live`, { traffic: [{ version: 1, weight: 70 }, { version: 2, weight: 30 }] });
    expect(set.status, await set.clone().text()).toBe(200);
    expect((await jsonOf(await acme.get(`${base}/split`))).version).toBe(1);
    const counts = await served('split', 200);
    // 30 % of 200 is 60 (sd 6.5): outside 25..95 is more than 5 sd away.
    expect(counts.v1 + counts.v2).toBe(200);
    expect(counts.v2).toBeGreaterThan(25);
    expect(counts.v2).toBeLessThan(95);
    const calls = (await jsonOf(await acme.get(`${base}/split/activations?limit=200`))).items as Array<{ version: number; alias: string }>;
    expect(calls.filter((a) => a.version === 2).length).toBe(counts.v2);
    expect(new Set(calls.map((a) => a.alias))).toEqual(new Set(['live']));

    const promoted = await acme.post(`${base}/split/aliases/live/promote`, {});
    expect((await jsonOf(promoted)).traffic).toEqual([{ version: 2, weight: 100 }]);
    expect((await jsonOf(await acme.get(`${base}/split`))).version).toBe(2);
    expect(await served('split', 5)).toEqual({ v2: 5 });
    expect((await history('split')).items.map((e: { kind: string }) => e.kind)).toEqual(['promoted', 'changed']);
    // Who did it is in the org's audit log too.
    const audit = (await jsonOf(await acme.get('/api/org/acme/audit?kind=aliases'))).items as { action: string; target: string }[];
    expect(audit.filter((e) => e.target === 'alias live of function split').map((e) => e.action)).toEqual(['promote', 'update']);
  });

  it('rolls a canary back in one call: weight 0, every call to the stable version; other aliases by X-Function-Alias', async () => {
    await withVersions('back', answers(1), answers(2));
    await acme.put(`${base}/back/aliases/live`, { traffic: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] });
    const rolled = await jsonOf(await acme.post(`${base}/back/aliases/live/rollback`, {}));
    expect(rolled.traffic).toEqual([{ version: 1, weight: 100 }, { version: 2, weight: 0 }]);
    expect(await served('back', 10)).toEqual({ v1: 10 });
    const [entry] = (await history('back')).items;
    expect(entry).toMatchObject({ alias: 'live', kind: 'rolled-back', before: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] });

    expect((await acme.post(`${base}/back/aliases`, { name: 'beta', traffic: [{ version: 2, weight: 100 }] })).status).toBe(201);
    expect(await served('back', 3, { 'X-Function-Alias': 'beta' })).toEqual({ v2: 3 });
    expect(await served('back', 1, { 'X-Function-Alias': 'gamma' })).toEqual({ 404: 1 });
    expect((await acme.post(`${base}/back/aliases/beta/promote`, {})).status).toBe(409);
    expect((await acme.delete(`${base}/back/aliases/beta`)).status).toBe(204);
  });

  it('rolls a failing canary back by itself and records the numbers in the history', async () => {
    await withVersions('flaky', answers(1), THROWS);
    const set = await acme.put(`${base}/flaky/aliases/live`, {
      traffic: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }],
      autoRollback: { errorRatePercent: 20, windowSeconds: 60, minCalls: 5 },
    });
    expect(set.status, await set.clone().text()).toBe(200);
    const rolled = await until('the canary to roll back by itself', async () => {
      await served('flaky', 10);
      const alias = await live('flaky');
      return alias.traffic[1].weight === 0 ? alias : undefined;
    }, { timeoutMs: 30_000 });
    expect(rolled.traffic).toEqual([{ version: 1, weight: 100 }, { version: 2, weight: 0 }]);
    const auto = (await history('flaky')).items.filter((e: { kind: string }) => e.kind === 'auto-rolled-back');
    expect(auto).toHaveLength(1);
    expect(auto[0].numbers).toMatchObject({ version: 2, thresholdPercent: 20, windowSeconds: 60, minCalls: 5 });
    expect(auto[0].numbers.calls).toBeGreaterThanOrEqual(5);
    expect(auto[0].numbers.errors).toBe(auto[0].numbers.calls);
    expect(auto[0].numbers.errorRatePercent).toBe(100);
    expect(await served('flaky', 10)).toEqual({ v1: 10 });
  });

  if (kind === 'postgres') it('records an automatic rollback once when two replicas decide it at the same moment', async () => {
    await withVersions('twice', answers(1), answers(2));
    await acme.put(`${base}/twice/aliases/live`, { traffic: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] });
    const db = await openTestDb(h.store);
    try {
      const store = new AliasStore(db);
      const numbers = { version: 2, calls: 10, errors: 5, errorRatePercent: 50, thresholdPercent: 20, windowSeconds: 60, minCalls: 5 };
      const won = await Promise.all([0, 1, 2].map(() => store.autoRollback('acme', 'twice', 'live', numbers, 1)));
      expect(won.filter(Boolean)).toHaveLength(1);
    } finally {
      await db.close();
    }
    const auto = (await history('twice')).items.filter((e: { kind: string }) => e.kind === 'auto-rolled-back');
    expect(auto).toHaveLength(1);
    expect(auto[0].before).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
  });
});
