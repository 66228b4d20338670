import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, newFunction, startHarness, type Harness } from '../testing/harness';

/**
 * Issue 7, tenant matrix: every operation of the OpenAPI document × {own org, foreign org, own org with the other
 * org's ids, provider, no token, logged-out token}. Generated from /openapi.json, so a new route is covered
 * without editing this file. acme is the caller; globex is the victim whose state must not change.
 */

type Org = 'acme' | 'globex';
type Persona = 'own' | 'foreign' | 'cross-id' | 'provider' | 'no-token' | 'logged-out';
interface Operation {
  method: string;
  path: string;
}
interface Fixtures {
  fn: string;
  activationId: string;
  sourceId: string;
  ruleId: string;
  edgeId: string;
}
interface Cell {
  persona: Persona;
  op: Operation;
  url: string;
  status: number;
  body: string;
}

const SERVER_OWN = ['/healthz', '/readyz', '/openapi.json', '/metrics'];

/** Fills an operation's path for an org, taking each `{param}` from that org's fixtures by the segment before it. */
export function fillPath(template: string, org: Org, f: Fixtures): string {
  const segments = template.split('/');
  return segments
    .map((segment, i) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment;
      if (param === 'org') return org;
      if (param === 'name' || param === 'route') return f.fn;
      const before = segments[i - 1];
      if (param === 'id' || param.endsWith('Id')) {
        if (before === 'rules') return f.ruleId;
        if (before === 'sources') return f.sourceId;
        if (before === 'activations') return f.activationId;
        if (before === 'edge-gateways') return encodeURIComponent(f.edgeId);
      }
      return 'matrix-unknown';
    })
    .join('/');
}

const isProblem = (res: Response) => res.headers.get('content-type')?.startsWith('application/problem+json') ?? false;

describe('tenant matrix over every OpenAPI operation', () => {
  let h: Harness;
  let tokens: Record<'acme' | 'globex' | 'provider' | 'logged-out', string>;
  let operations: Operation[];
  const fixtures = {} as Record<Org, Fixtures>;
  const cells: Cell[] = [];

  async function makeFixtures(org: Org, token: string): Promise<Fixtures> {
    const client = api(() => h.backend.url, token);
    const ids = DEMO_INFRA_IDS[org];
    const fn = `${org}-matrix`;
    const env = { MARK: `${org}-private-value` };
    expect((await client.post(`/api/org/${org}/faas/functions`, newFunction(fn, { env }))).status).toBe(202);
    expect((await client.waitBuilt(org, fn)).status).toBe('ready');
    expect((await client.get(`/api/org/${org}/${fn}`)).status).toBe(200);
    const activations = await jsonOf(await client.get(`/api/org/${org}/faas/functions/${fn}/activations`));
    const source = await jsonOf(
      await client.post(`/api/org/${org}/showback/sources`, {
        kind: 'http',
        name: `${org}-private-billing`,
        schedule: '0 3 * * *',
        config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    );
    const edgeId = `urn:vcloud:gateway:${ids.edge}`;
    const rule = await jsonOf(
      await client.post(`/api/org/${org}/autoscale/rules`, {
        name: `${org}-private-rule`,
        vAppId: `urn:vcloud:vapp:${ids.vapp}`,
        templateId: `urn:vcloud:vapptemplate:${ids.template}`,
        edgeGatewayId: edgeId,
        lbPoolName: 'web-pool',
        scaleOut: { cpuPercent: 70, memoryPercent: 80 },
        scaleIn: { cpuPercent: 20, memoryPercent: 30 },
        enabled: false,
      }),
    );
    const made = { fn, activationId: activations.items?.[0]?.id, sourceId: source.id, ruleId: rule.id, edgeId };
    for (const [key, value] of Object.entries(made)) if (!value) throw new Error(`fixture ${key} of ${org} was not made`);
    return made;
  }

  /** What globex can see of its own data: must be identical before and after acme's attempts. */
  async function globexState(): Promise<unknown> {
    const g = api(() => h.backend.url, tokens.globex);
    const f = fixtures.globex;
    const fn = await jsonOf(await g.get(`/api/org/globex/faas/functions/${f.fn}`));
    const versions = await jsonOf(await g.get(`/api/org/globex/faas/functions/${f.fn}/versions`));
    const activations = await jsonOf(await g.get(`/api/org/globex/faas/functions/${f.fn}/activations`));
    const rules = await jsonOf(await g.get('/api/org/globex/autoscale/rules'));
    const sources = await jsonOf(await g.get('/api/org/globex/showback/sources'));
    return {
      fn: { version: fn.version, status: fn.status, code: fn.code, trigger: fn.trigger, env: fn.env },
      versions: versions.total,
      activations: activations.total,
      rules: rules.items.map((r: Record<string, unknown>) => ({ id: r.id, name: r.name, enabled: r.enabled, maxVms: r.maxVms, vAppId: r.vAppId })),
      sources: sources.items.map((s: Record<string, unknown>) => ({ id: s.id, name: s.name, enabled: s.enabled, config: s.config, schedule: s.schedule })),
    };
  }

  async function call(persona: Persona, op: Operation): Promise<Cell> {
    const [org, ids, token]: [Org, Org, string | undefined] = {
      own: ['acme', 'acme', tokens.acme],
      foreign: ['globex', 'globex', tokens.acme],
      'cross-id': ['acme', 'globex', tokens.acme],
      provider: ['globex', 'globex', tokens.provider],
      'no-token': ['globex', 'globex', undefined],
      'logged-out': ['globex', 'globex', tokens['logged-out']],
    }[persona] as [Org, Org, string | undefined];
    const url = fillPath(op.path, org, fixtures[ids]);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(op.method);
    if (hasBody) headers['Content-Type'] = 'application/json';
    const res = await fetch(h.backend.url + url, { method: op.method, headers, body: hasBody ? '{}' : undefined });
    const cell = { persona, op, url, status: res.status, body: await res.text() };
    cells.push(cell);
    const problem = res.status >= 400 && !isProblem(res) && !(op.path.endsWith('{route}') && res.status < 500);
    return problem ? { ...cell, status: -res.status } : cell;
  }

  /** Runs a persona over every operation, deletes last (they would remove the fixtures the others need). */
  async function sweep(persona: Persona, check: (cell: Cell) => string | undefined): Promise<string[]> {
    const tenantOps = operations.filter((o) => o.path.startsWith('/api/org/{org}/'));
    const ordered = [...tenantOps.filter((o) => o.method !== 'DELETE'), ...tenantOps.filter((o) => o.method === 'DELETE')];
    const failures: string[] = [];
    for (const op of ordered) {
      if (persona === 'cross-id' && !/\{(?!org\})\w+\}/.test(op.path)) continue;
      const cell = await call(persona, op);
      const wrong = cell.status < 0 ? `answered ${-cell.status} without problem+json` : check(cell);
      if (wrong) failures.push(`${persona} ${op.method} ${cell.url}: ${wrong}`);
    }
    return failures;
  }

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { sessionCacheTtlMs: 0 } });
    const [acme, globex, provider, doomed] = await Promise.all([h.login('acme'), h.login('globex'), h.login('provider'), h.login('acme')]);
    const logout = await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${doomed}`, Accept: 'application/json;version=37.0' },
    });
    expect(logout.status).toBeLessThan(300);
    tokens = { acme, globex, provider, 'logged-out': doomed };
    fixtures.acme = await makeFixtures('acme', acme);
    fixtures.globex = await makeFixtures('globex', globex);
    const doc = (await jsonOf(await fetch(`${h.backend.url}/openapi.json`))) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path: p })),
    );
  }, 120_000);

  afterAll(async () => {
    const byPersona: Record<string, Record<number, number>> = {};
    for (const c of cells) {
      byPersona[c.persona] ??= {};
      byPersona[c.persona][c.status] = (byPersona[c.persona][c.status] ?? 0) + 1;
    }
    const dir = path.resolve(__dirname, '../../.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'tenant-matrix.json'), JSON.stringify({ operations: operations?.length ?? 0, cells: cells.length, byPersona }, null, 2));
    await h?.close();
  });

  it('covers every tenant operation of the document, and only the server\'s own routes go without an org', () => {
    const withoutOrg = operations.filter((o) => !o.path.startsWith('/api/org/{org}/')).map((o) => o.path);
    expect(withoutOrg.filter((p) => !SERVER_OWN.includes(p))).toEqual([]);
    for (const area of ['/faas/functions', '/showback/summary', '/autoscale/rules', '/{route}']) {
      expect(operations.some((o) => o.path.includes(area))).toBe(true);
    }
  });

  it('leaves globex\'s data exactly as it was while acme reads, writes and deletes with globex\'s org and ids', async () => {
    const before = await globexState();
    const failures = [
      ...(await sweep('foreign', (c) => (c.status === 403 ? undefined : `expected 403, got ${c.status}`))),
      ...(await sweep('cross-id', (c) => {
        if (c.status < 400 || c.status >= 500) return `expected a 4xx for another org's id, got ${c.status}`;
        // The caller's own input may be echoed back; globex's stored data never.
        return c.body.includes('globex-private') ? `the answer shows globex's data: ${c.body.slice(0, 200)}` : undefined;
      })),
      ...(await sweep('no-token', (c) => (c.status === 401 ? undefined : `expected 401, got ${c.status}`))),
      ...(await sweep('logged-out', (c) => (c.status === 401 ? undefined : `expected 401, got ${c.status}`))),
    ];
    expect(failures).toEqual([]);
    expect(await globexState()).toEqual(before);
  }, 120_000);

  it('lets the own org and the provider through every operation without a 401, a 5xx or an unexplained 403', async () => {
    const allowed = (c: Cell) => {
      if (c.status === 401 || c.status >= 500) return `got ${c.status}: ${c.body.slice(0, 200)}`;
      // A provider-only operation may refuse a tenant, but must say so.
      if (c.status === 403 && !/provider/i.test(c.body)) return `403 without saying why: ${c.body.slice(0, 200)}`;
      return undefined;
    };
    const failures = [...(await sweep('own', allowed)), ...(await sweep('provider', (c) => (c.status === 403 ? `provider refused: ${c.body.slice(0, 200)}` : allowed(c))))];
    expect(failures).toEqual([]);
    expect(cells.filter((c) => c.persona === 'own' && c.status < 300).length).toBeGreaterThan(0);
  }, 120_000);
});
