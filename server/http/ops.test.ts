import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, startHarness, STORES, type Harness } from '../testing/harness';

describe.each(STORES)('operations endpoints on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h?.close());

  it('answers /healthz and /readyz without a session', async () => {
    expect(await jsonOf(await fetch(`${h.backend.url}/healthz`))).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.backend.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await jsonOf(ready)).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI document listing the function routes with their request schemas', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/org/{org}/faas/functions', '/api/org/{org}/faas/functions/{name}', '/api/org/{org}/{route}', '/healthz', '/readyz']),
    );
    const create = doc.paths['/api/org/{org}/faas/functions'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'runtime', 'code']));
    // One trigger, or several (an HTTP or event trigger plus schedules): one of the two is required.
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['trigger', 'triggers']));
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '409', '413']));
    expect(Object.keys(doc.paths['/api/org/{org}/faas/functions/{name}'])).toEqual(expect.arrayContaining(['get', 'delete']));
  });

  it('answers an unknown path with a 404 problem', async () => {
    const res = await fetch(`${h.backend.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('starts again on the same store and is ready', async () => {
    const backend = await h.restart();
    expect((await fetch(`${backend.url}/readyz`)).status).toBe(200);
  });
});
