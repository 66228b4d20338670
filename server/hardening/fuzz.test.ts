import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAsProvider, registerApiExtension } from '../../bin/lib/vcd-provider';
import { api, jsonOf, newFunction, startHarness, type Harness } from '../testing/harness';
import { answers, DOCUMENTED_ALLOWED, judgeAnswer, pathSegment, requestHeaders, type GeneratedAnswer } from './answer-fuzz';
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
      // A body any JSON may be (a queued call's body is the function's business, like its route's) has no wrong value.
      const s = schema as Record<string, unknown>;
      const acceptsAnyJson = !s.type && !s.properties && !s.anyOf && !s.oneOf && !s.allOf && !s.enum && !s.$ref;
      const bad = (schema.type === 'object' ? invalidObject(schema) : invalidValue(schema)) ?? fc.constant('not the body this wants');
      if (!acceptsAnyJson) {
        await fc.assert(
          fc.asyncProperty(bad, (body) => check(`${method} ${p}`, url, { method, body: JSON.stringify(body), contentType: 'application/json' })),
          { numRuns: BODY_RUNS },
        );
      }
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

const ANSWER_RUNS = 800;
const ANSWER_RUNS_VIA_VCD = 200;
const HEADER_RUNS = 150;
const PATH_RUNS = 40;

/**
 * Issue 19: what the suite above skips. Generated function answers (an echo function answers with whatever the
 * request body says), generated request headers and generated path parameters. Every answer is the function's own
 * status or a 502 naming the fault, never a 500; no header a function may not set passes; the caller's requests
 * never make the backend fail.
 */
describe('fuzzing function answers, request headers and path parameters', () => {
  let h: Harness;
  let tokens: { acme: string; provider: string };
  let fixtures: OrgFixtures;
  const doc: { paths: Record<string, Record<string, OperationDoc>> } = { paths: {} };
  const counts = { answers: 0, served: 0, refused: 0, servedWithForbidden: 0, requestHeaders: 0, pathParameters: 0, byStatus: {} as Record<number, number> };
  const count = (status: number) => (counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1);
  const bearer = (url: string) => ({ Authorization: `Bearer ${/\/ratecard|\/provider\//.test(url) ? tokens.provider : tokens.acme}` });

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { orgRateLimitPerMinute: 0 } });
    h.mock.state.httpExtensions.serverless = h.backend.url;
    await registerApiExtension(await loginAsProvider({ vcdUrl: h.mock.url, user: 'administrator@System', password: 'provider-demo' }));
    tokens = { acme: await h.login('acme'), provider: await h.login('provider') };
    fixtures = await makeFixtures(h, 'acme', tokens.acme);
    Object.assign(doc, await jsonOf(await fetch(`${h.backend.url}/openapi.json`)));
    const echo = api(() => h.backend.url, tokens.acme);
    expect((await echo.post('/api/org/acme/faas/functions', newFunction('echo', { code: 'module.exports = async (event) => event.body;' }))).status).toBe(202);
    expect((await echo.waitBuilt('acme', 'echo')).status).toBe('ready');
  }, 120_000);

  afterAll(async () => {
    const dir = path.resolve(__dirname, '../../.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'fuzz-answers.json'), JSON.stringify(counts, null, 2));
    await h?.close();
  });

  async function answerOf(base: string, generated: GeneratedAnswer, strict: boolean): Promise<void> {
    // What the function returns is its body after JSON: what a handler can return at all.
    const sent = JSON.parse(JSON.stringify(generated)) as GeneratedAnswer;
    const res = await fetch(`${base}/api/org/acme/echo`, {
      method: 'POST',
      headers: { ...bearer(''), 'Content-Type': 'application/json' },
      body: JSON.stringify(sent),
      redirect: 'manual',
    });
    const text = await res.text();
    counts.answers += 1;
    count(res.status);
    if (res.status === 502 && res.headers.get('content-type')?.startsWith('application/problem+json')) counts.refused += 1;
    else {
      counts.served += 1;
      const names = sent.headers && typeof sent.headers === 'object' ? Object.keys(sent.headers).map((n) => n.toLowerCase()) : [];
      if (names.some((n) => !DOCUMENTED_ALLOWED.includes(n) && !n.startsWith('x-'))) counts.servedWithForbidden += 1;
    }
    const wrong = judgeAnswer(sent, { status: res.status, headers: res.headers, text }, strict);
    if (wrong) throw new Error(`${wrong}\nanswer: ${JSON.stringify(sent).slice(0, 400)}`);
  }

  it('serves or refuses with 502 every generated answer, passing no header a function may not set', async () => {
    await fc.assert(fc.asyncProperty(answers, (a) => answerOf(h.backend.url, a, true)), { numRuns: ANSWER_RUNS });
    await fc.assert(fc.asyncProperty(answers, (a) => answerOf(h.mock.url, a, false)), { numRuns: ANSWER_RUNS_VIA_VCD });
    // Both sides were exercised: a generator that only made broken (or only clean) answers would prove little.
    expect(counts.served).toBeGreaterThan(counts.answers / 5);
    expect(counts.refused).toBeGreaterThan(counts.answers / 5);
    expect(counts.servedWithForbidden).toBeGreaterThan(counts.answers / 20);
  }, 300_000);

  it('answers generated request headers on a function route and the API without failing', async () => {
    const targets = [
      { method: 'GET', url: `/api/org/acme/${fixtures.fn}` },
      { method: 'GET', url: '/api/org/acme/faas/functions' },
      { method: 'POST', url: '/api/org/acme/faas/functions', body: '{"name":"Not A Name"}' },
    ];
    for (const t of targets) {
      await fc.assert(
        fc.asyncProperty(requestHeaders, async (extra) => {
          const res = await fetch(h.backend.url + t.url, { method: t.method, headers: { ...extra, ...bearer(t.url) }, body: t.body });
          const text = await res.text();
          counts.requestHeaders += 1;
          count(res.status);
          const signed = Object.keys(extra).some((n) => n.startsWith('x-vcloud-'));
          if (res.status >= 500 || ((res.status === 401 || res.status === 403) && !signed)) throw new Error(`${t.method} ${t.url} with ${JSON.stringify(extra)} answered ${res.status}: ${text.slice(0, 300)}`);
          if (res.status >= 400 && !res.headers.get('content-type')?.startsWith('application/problem+json')) throw new Error(`${res.status} is not problem+json: ${text.slice(0, 200)}`);
        }),
        { numRuns: HEADER_RUNS },
      );
    }
  }, 300_000);

  it('answers 4xx problem+json for generated path parameters of every operation', async () => {
    const templates = Object.entries(doc.paths).flatMap(([p, item]) =>
      p.startsWith('/api/org/{org}/') && /\{(?!org\})\w+\}/.test(p) ? Object.keys(item).map((method) => ({ method: method.toUpperCase(), p })) : [],
    );
    expect(templates.length).toBeGreaterThan(8);
    for (const { method, p } of templates) {
      const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((n) => n !== 'org');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...params), pathSegment, async (param, segment) => {
          const url = fillPath(p.replace(`{${param}}`, segment), 'acme', fixtures);
          const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
          const res = await fetch(h.backend.url + url, { method, headers: { ...bearer(url), 'Content-Type': 'application/json' }, body });
          const text = await res.text();
          counts.pathParameters += 1;
          count(res.status);
          if (res.status < 400 || res.status >= 500 || res.status === 401 || res.status === 403) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
          if (!res.headers.get('content-type')?.startsWith('application/problem+json')) throw new Error(`${method} ${url}: ${res.status} is not problem+json`);
        }),
        { numRuns: PATH_RUNS },
      );
    }
  }, 300_000);
});
