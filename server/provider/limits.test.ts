import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { migrate } from '../store/migrate';
import { ruleFor } from '../testing/autoscale';
import { api, freshStore, jsonOf, newFunction, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { LimitsService } from './limits';
import { LimitsStore } from './limits-store';

const LIMITS = '/api/org/System/provider/limits';
const FULL = { memoryMb: 128, timeoutMs: 5000, concurrentCalls: 20, callsPerSecond: 0, functionCallsPerSecond: 0, functions: 10, containerRuntime: true, egress: true, autoscaleMaxVms: 8 };

type Client = ReturnType<typeof api>;

describe.each(STORES)('per-org limits on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  let globex: Client;
  let provider: Client;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { containerEngine: 'off', orgMaxFunctions: 50 } });
    [acme, globex, provider] = (await Promise.all([h.login('acme'), h.login('globex'), h.login('provider')])).map((t) => api(() => h.backend.url, t));
  }, 180_000);
  afterAll(() => h?.close());

  it('starts from the configured maxima, and the provider\'s default and an org\'s override are what each tenant then reads', async () => {
    const initial = await jsonOf(await provider.get(`${LIMITS}/default`));
    expect(initial).toMatchObject({ limits: { memoryMb: 128, functions: 50, containerRuntime: true }, updatedAt: null });

    const put = await provider.put(`${LIMITS}/default`, FULL);
    expect(put.status).toBe(200);
    expect(await jsonOf(put)).toMatchObject({ limits: FULL, updatedBy: 'administrator@System' });
    const override = await provider.put(`${LIMITS}/orgs/acme`, { memoryMb: 64, egress: false });
    expect(override.status).toBe(200);
    expect(await jsonOf(override)).toMatchObject({ org: 'acme', override: { memoryMb: 64, egress: false }, effective: { ...FULL, memoryMb: 64, egress: false } });

    expect((await jsonOf(await acme.get('/api/org/acme/limits'))).effective).toEqual({ ...FULL, memoryMb: 64, egress: false });
    expect((await jsonOf(await globex.get('/api/org/globex/limits'))).effective).toEqual(FULL);
    const list = await jsonOf(await provider.get(`${LIMITS}/orgs`));
    expect(list.items.map((i: { org: string }) => i.org)).toEqual(['acme']);
  });

  it('refuses a tenant changing its own limits, reading another org\'s, or the provider\'s routes, with 403 problem+json', async () => {
    const put = await acme.put('/api/org/acme/provider/limits/orgs/acme', { memoryMb: 4096 });
    expect(put.status).toBe(403);
    expect((await problemOf(put)).detail).toMatch(/only the provider/);
    expect((await acme.put('/api/org/acme/provider/limits/default', FULL)).status).toBe(403);
    expect((await acme.delete('/api/org/acme/provider/limits/orgs/acme')).status).toBe(403);
    expect((await acme.get('/api/org/acme/provider/limits/orgs/globex')).status).toBe(403);
    const foreign = await acme.get('/api/org/globex/limits');
    expect(foreign.status).toBe(403);
    expect((await problemOf(foreign)).detail).toMatch(/not the session's organization/);
    // Nothing changed.
    expect((await jsonOf(await acme.get('/api/org/acme/limits'))).effective.memoryMb).toBe(64);
  });

  it('answers bad limits with 400 naming the field, never a 5xx', async () => {
    const bad = await provider.put(`${LIMITS}/orgs/acme`, { memoryMb: -1, surprise: true });
    expect(bad.status).toBe(400);
    const paths = (await problemOf(bad)).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['memoryMb']));
    const partial = await provider.put(`${LIMITS}/default`, { memoryMb: 64 });
    expect(partial.status).toBe(400);
    expect((await problemOf(partial)).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['timeoutMs', 'functions']));
    const name = await provider.get(`${LIMITS}/orgs/${encodeURIComponent('*')}`);
    expect(name.status).toBe(400);
    expect((await provider.delete(`${LIMITS}/orgs/globex`)).status).toBe(404);
    // An org vCD does not know is a typo, not an org to limit.
    const unknown = await provider.put(`${LIMITS}/orgs/acmee`, { memoryMb: 64 });
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).detail).toBe('vCD knows no organization "acmee"');
    expect((await provider.get(`${LIMITS}/orgs/acmee`)).status).toBe(404);
  });

  it('refuses a function over the org\'s memory, timeout or egress limit naming the limit and its value, and sizes a default within it', async () => {
    const memory = await acme.post('/api/org/acme/faas/functions', newFunction('big', { limits: { memoryMb: 128 } }));
    expect(memory.status).toBe(400);
    const p = await problemOf(memory);
    expect(p.detail).toContain("memoryMb 128 is over this org's limit of 64 MB set by the provider");
    expect(p.errors).toEqual([{ path: 'limits.memoryMb', message: "memoryMb 128 is over this org's limit of 64 MB set by the provider" }]);
    const timeout = await acme.post('/api/org/acme/faas/functions', newFunction('slow', { limits: { timeoutMs: 6000 } }));
    expect((await problemOf(timeout)).detail).toContain("timeoutMs 6000 is over this org's limit of 5000 ms");
    const egress = await acme.post('/api/org/acme/faas/functions', newFunction('net', { sandbox: 'container', network: { egress: true } }));
    expect(egress.status).toBe(400);
    expect((await problemOf(egress)).errors?.[0]).toMatchObject({ path: 'network.egress', message: expect.stringMatching(/egress: false/) });
    // globex has the default (128 MB): the same function is fine there.
    expect((await globex.post('/api/org/globex/faas/functions', newFunction('big', { limits: { memoryMb: 128 } }))).status).toBe(202);

    const small = await acme.post('/api/org/acme/faas/functions', newFunction('small'));
    expect(small.status).toBe(202);
    expect((await jsonOf(small)).limits.memoryMb).toBeLessThanOrEqual(64);
    expect((await acme.waitBuilt('acme', 'small')).status).toBe('ready');
    const raise = await acme.put('/api/org/acme/faas/functions/small', { limits: { memoryMb: 96 } });
    expect(raise.status).toBe(400);
    expect((await problemOf(raise)).detail).toContain("memoryMb 96 is over this org's limit of 64 MB");
  });

  it('refuses a container function when the org may not run containers, and a function past the org\'s count', async () => {
    expect((await provider.put(`${LIMITS}/orgs/acme`, { memoryMb: 64, egress: false, containerRuntime: false, functions: 1 })).status).toBe(200);
    const py = await acme.post('/api/org/acme/faas/functions', newFunction('py', { runtime: 'python3', code: 'def handler(event, context):\n  return 1\n' }));
    expect(py.status).toBe(400);
    expect((await problemOf(py)).errors?.[0]).toMatchObject({ path: 'sandbox', message: expect.stringMatching(/containerRuntime: false/) });
    const second = await acme.post('/api/org/acme/faas/functions', newFunction('second'));
    expect(second.status).toBe(409);
    expect((await problemOf(second)).detail).toMatch(/quota of 1 functions \(its "functions" limit\)/);
  });

  it('refuses calls past the org\'s calls per second with 429 naming the limit, and lets them through again once lifted', async () => {
    expect((await provider.put(`${LIMITS}/orgs/acme`, { memoryMb: 64, callsPerSecond: 1 })).status).toBe(200);
    // Ten at once: one call runs per one-second window the ten were counted in (usually one or two; three on a busy
    // machine, where ten calls took longer than a second to arrive), every other call is refused.
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => acme.get('/api/org/acme/small')));
    const windows = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(windows);
    expect(refused.length).toBeGreaterThanOrEqual(10 - windows);
    expect(refused.length).toBeGreaterThan(0);
    expect((await problemOf(refused[0])).detail).toMatch(/started 1 calls this second, its callsPerSecond limit set by the provider/);
    expect((await provider.delete(`${LIMITS}/orgs/acme`)).status).toBe(204);
    const again = await Promise.all(Array.from({ length: 5 }, () => acme.get('/api/org/acme/small')));
    expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('refuses an autoscale rule whose maxVms is over the org\'s limit, on create and on edit', async () => {
    const over = await acme.post('/api/org/acme/autoscale/rules', ruleFor(DEMO_INFRA_IDS.acme, { maxVms: 9 }));
    expect(over.status).toBe(400);
    expect((await problemOf(over)).errors).toEqual([{ path: 'maxVms', message: "maxVms 9 is over this org's limit of 8 VMs per rule set by the provider" }]);
    const ok = await acme.post('/api/org/acme/autoscale/rules', ruleFor(DEMO_INFRA_IDS.acme, { maxVms: 8 }));
    expect(ok.status).toBe(201);
    const edit = await acme.put(`/api/org/acme/autoscale/rules/${(await jsonOf(ok)).id}`, { maxVms: 12 });
    expect(edit.status).toBe(400);
    expect((await problemOf(edit)).detail).toContain('limit of 8 VMs');
  });

  it('documents every limits route in the OpenAPI document', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/org/{org}/provider/limits/default', '/api/org/{org}/provider/limits/orgs/{tenant}', '/api/org/{org}/limits']),
    );
  });
});

describe.each(STORES)('per-org limits across replicas on %s', (kind) => {
  it('a replica sees another replica\'s change once its copy is older than the bound, and its own change at once', async () => {
    const store = await freshStore(kind);
    const db = await openTestDb(store);
    try {
      await migrate(db);
      let now = 0;
      const replica = () => new LimitsService({ store: new LimitsStore(db), fallback: FULL, cacheTtlMs: 2000, now: () => now });
      const [a, b] = [replica(), replica()];
      expect((await b.effective('acme')).memoryMb).toBe(128);
      await a.putOrg('acme', { memoryMb: 32 }, { by: 'test' });
      expect((await a.effective('ACME')).memoryMb).toBe(32);
      now = 1999;
      expect((await b.effective('acme')).memoryMb).toBe(128);
      now = 2000;
      expect((await b.effective('acme')).memoryMb).toBe(32);
    } finally {
      await db.close();
      await store.drop();
    }
  });
});
