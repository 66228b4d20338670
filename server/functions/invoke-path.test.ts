import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { PLATFORM_SECURITY_HEADERS } from './response-policy';

/**
 * Issue 16, the lean invoke path: a function's route is matched before the feature routers (server/http/app.ts
 * outsideMounts) with the same auth, response policy and problem answers, and the activation records written off
 * the hot path in batches still record every call. On PGlite and PostgreSQL.
 */

const CALLS = 150;

describe.each(STORES)('the invoke path on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { orgRateLimitPerMinute: 0, orgMaxConcurrentCalls: CALLS } });
    acme = api(() => h.backend.url, await h.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('lean'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'lean')).status).toBe('ready');
  }, 180_000);
  afterAll(() => h?.close());

  it("answers a function's route with the platform's security headers, its activation and request ids", async () => {
    const res = await acme.get('/api/org/acme/lean?name=x', { 'X-Request-Id': 'lean-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('lean-1');
    expect(res.headers.get('x-activation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const activation = await jsonOf(await acme.get(`/api/org/acme/faas/activations/${res.headers.get('x-activation-id')}`));
    expect(activation).toMatchObject({ function: 'lean', trigger: 'http', status: 'success', statusCode: 200 });
  });

  it("carries exactly the response policy's security headers on a function's answers, errors included, and helmet's on the API", async () => {
    // What the API's helmet set adds beyond the policy: bytes a function's answer does not need.
    const apiOnly = ['strict-transport-security', 'origin-agent-cluster', 'x-dns-prefetch-control', 'cross-origin-opener-policy', 'x-permitted-cross-domain-policies'];
    for (const res of [await acme.get('/api/org/acme/lean?name=x'), await fetch(`${h.backend.url}/api/org/acme/lean`), await acme.get('/api/org/acme/nothing-here')]) {
      for (const [name, value] of Object.entries(PLATFORM_SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
      for (const name of apiOnly) expect(res.headers.get(name), name).toBeNull();
    }
    const list = await acme.get('/api/org/acme/faas/functions');
    expect(list.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(list.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it('still answers the features under their own words, and a path no one serves with a 404 problem', async () => {
    expect((await acme.get('/api/org/acme/faas/functions')).status).toBe(200);
    expect((await acme.get('/api/org/acme/FAAS/functions/lean')).status).toBe(200);
    for (const path of ['/api/org/acme/nothing-here', '/api/org/acme/faas/nothing-here']) {
      const res = await acme.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect((await problemOf(res)).detail, path).toBeTruthy();
    }
  });

  it("refuses a call without a session or for another org's route, as before the lean path", async () => {
    const anonymous = await fetch(`${h.backend.url}/api/org/acme/lean`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const foreign = await acme.get('/api/org/globex/lean');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('records every call of a burst: as many activations as answered calls, each findable by its id', async () => {
    const before = (await jsonOf(await acme.get('/api/org/acme/faas/functions/lean/activations?limit=1'))).total as number;
    const answers = await Promise.all(Array.from({ length: CALLS }, (_, i) => acme.get(`/api/org/acme/lean?name=${i}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(CALLS).fill(200));
    const ids = answers.map((r) => r.headers.get('x-activation-id'));
    expect(new Set(ids).size).toBe(CALLS);
    const after = (await jsonOf(await acme.get('/api/org/acme/faas/functions/lean/activations?limit=1'))).total as number;
    expect(after - before).toBe(CALLS);
    for (const id of [ids[0], ids[CALLS - 1]]) expect((await acme.get(`/api/org/acme/faas/activations/${id}`)).status).toBe(200);
  });
});
