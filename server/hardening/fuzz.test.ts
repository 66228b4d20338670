import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, startHarness, type Harness } from '../testing/harness';
import { fillPath, makeFixtures, orgState, type OrgFixtures } from '../testing/hardening-fixtures';
import { invalidObject, invalidQueryValue, invalidValue, type JsonSchema } from '../testing/invalid-inputs';

/**
 * Issue 7, fuzzing: inputs generated from the OpenAPI document's own schemas, each breaking one constraint, sent to
 * every JSON body and every query parameter. Every answer must be a 4xx problem+json that the input reached
 * (not 401/403), the backend must stay up, and acme's stored data must be exactly as before.
 */

const BODY_RUNS = 450;
const GARBAGE_RUNS = 60;
const QUERY_RUNS = 250;
const MIN_INPUTS = 10_000;

interface Parameter {
  name: string;
  in: string;
  schema: JsonSchema;
}
interface OperationDoc {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

const tally: { inputs: number; byStatus: Record<number, number>; operations: Set<string> } = { inputs: 0, byStatus: {}, operations: new Set() };

describe('fuzzing every body and query with inputs their schemas reject', () => {
  let h: Harness;
  let tokens: { acme: string; provider: string };
  let fixtures: OrgFixtures;
  let before: unknown;
  const doc: { paths: Record<string, Record<string, OperationDoc>> } = { paths: {} };

  /** Sends one input and says what is wrong with the answer, if anything. */
  async function send(op: string, url: string, init: { method: string; body?: string; contentType?: string }): Promise<string | undefined> {
    // Provider-only operations refuse a tenant before reading the body; the provider's session reaches validation.
    const token = /\/ratecard|\/provider\//.test(url) ? tokens.provider : tokens.acme;
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (init.contentType) headers['Content-Type'] = init.contentType;
    const res = await fetch(h.backend.url + url, { method: init.method, headers, body: init.body });
    const text = await res.text();
    tally.inputs += 1;
    tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
    tally.operations.add(op);
    if (res.status < 400 || res.status >= 500 || res.status === 401 || res.status === 403) return `${init.method} ${url} answered ${res.status}: ${text.slice(0, 300)}`;
    if (!res.headers.get('content-type')?.startsWith('application/problem+json')) return `${res.status} is not problem+json`;
    const problem = JSON.parse(text) as { status?: number; title?: string; detail?: string };
    if (problem.status !== res.status || !problem.title || !problem.detail) return `problem lacks status/title/detail: ${text.slice(0, 300)}`;
    if (/\bat .+\.(ts|js):\d+|SELECT |INSERT |syntax error at/i.test(text)) return `answer leaks internals: ${text.slice(0, 300)}`;
    return undefined;
  }

  const check = async (op: string, url: string, init: Parameters<typeof send>[2]) => {
    const wrong = await send(op, url, init);
    if (wrong) throw new Error(`${wrong}\nbody sent: ${init.body?.slice(0, 300)}`);
  };

  beforeAll(async () => {
    // Ten thousand requests a minute is the point here, not the org's rate limit (tested in limits.test.ts).
    h = await startHarness('pglite', { backend: { orgRateLimitPerMinute: 0 } });
    tokens = { acme: await h.login('acme'), provider: await h.login('provider') };
    fixtures = await makeFixtures(h, 'acme', tokens.acme);
    Object.assign(doc, await jsonOf(await fetch(`${h.backend.url}/openapi.json`)));
    before = await orgState(h, 'acme', tokens.acme, fixtures);
  }, 120_000);

  afterAll(async () => {
    const dir = path.resolve(__dirname, '../../.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'fuzz.json'), JSON.stringify({ inputs: tally.inputs, operations: tally.operations.size, byStatus: tally.byStatus }, null, 2));
    await h?.close();
  });

  /** The tenant operations (not a function's own route, whose body is the function's business). */
  const operations = () =>
    Object.entries(doc.paths).flatMap(([p, item]) =>
      p.startsWith('/api/org/{org}/') && !p.endsWith('/{route}')
        ? Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path: p, op, url: fillPath(p, 'acme', fixtures) }))
        : [],
    );

  it('rejects schema-breaking JSON bodies and unparsable JSON on every operation that takes a body', async () => {
    const withBody = operations().filter((o) => o.op.requestBody?.content['application/json']);
    expect(withBody.length).toBeGreaterThan(5);
    for (const { method, path: p, op, url } of withBody) {
      const schema = op.requestBody!.content['application/json'].schema;
      const bad = (schema.type === 'object' ? invalidObject(schema) : invalidValue(schema)) ?? fc.constant('not the body this wants');
      await fc.assert(
        fc.asyncProperty(bad, (body) => check(`${method} ${p}`, url, { method, body: JSON.stringify(body), contentType: 'application/json' })),
        { numRuns: BODY_RUNS },
      );
      const unparsable = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      });
      await fc.assert(fc.asyncProperty(unparsable, (body) => check(`${method} ${p}`, url, { method, body, contentType: 'application/json' })), { numRuns: GARBAGE_RUNS });
    }
  }, 300_000);

  it('rejects FOCUS imports that are not FOCUS files, importing nothing', async () => {
    const url = fillPath('/api/org/{org}/showback/imports', 'acme', fixtures);
    const csv = fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), { maxLength: 5 }).map((rows) => rows.map((r) => r.join(',')).join('\n')));
    await fc.assert(fc.asyncProperty(csv, (body) => check('POST /showback/imports', url, { method: 'POST', body, contentType: 'text/csv' })), { numRuns: BODY_RUNS });
  }, 120_000);

  it('rejects out-of-range, malformed and unknown values of every query parameter', async () => {
    const withQuery = operations().filter((o) => o.op.parameters?.some((p) => p.in === 'query'));
    expect(withQuery.length).toBeGreaterThan(3);
    for (const { method, path: p, op, url } of withQuery) {
      for (const param of op.parameters!.filter((q) => q.in === 'query')) {
        const bad = invalidQueryValue(param.schema);
        if (!bad) continue;
        await fc.assert(
          fc.asyncProperty(bad, (value) => check(`${method} ${p}`, `${url}?${new URLSearchParams({ [param.name]: value })}`, { method })),
          { numRuns: QUERY_RUNS },
        );
      }
    }
  }, 300_000);

  it(`sent at least ${MIN_INPUTS} bad inputs, stored none of them, and the backend still answers`, async () => {
    expect(tally.inputs).toBeGreaterThanOrEqual(MIN_INPUTS);
    expect(await orgState(h, 'acme', tokens.acme, fixtures)).toEqual(before);
    expect((await fetch(`${h.backend.url}/healthz`)).status).toBe(200);
  });
});
