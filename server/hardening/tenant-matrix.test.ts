import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, startHarness, type Harness } from '../testing/harness';
import { fillPath, makeFixtures, orgState, type DemoOrg, type OrgFixtures } from '../testing/hardening-fixtures';

/**
 * Issue 7, tenant matrix: every operation of the OpenAPI document × {own org, foreign org, own org with the other
 * org's ids, provider, no token, logged-out token}. Generated from /openapi.json, so a new route is covered
 * without editing this file. acme is the caller; globex is the victim whose state must not change.
 */

type Org = DemoOrg;
type Persona = 'own' | 'foreign' | 'cross-id' | 'provider' | 'no-token' | 'logged-out' | 'unsigned';
interface Operation {
  method: string;
  path: string;
  summary?: string;
}
interface Cell {
  persona: Persona;
  op: Operation;
  url: string;
  status: number;
  body: string;
}

const SERVER_OWN = ['/healthz', '/readyz', '/openapi.json', '/metrics'];
/** Routes vCD itself calls, signed with the extension secret: no tenant session opens them. */
const SIGNED_BY_VCD = ['/notifications/vcd'];

const isProblem = (res: Response) => res.headers.get('content-type')?.startsWith('application/problem+json') ?? false;

describe('tenant matrix over every OpenAPI operation', () => {
  let h: Harness;
  let tokens: Record<'acme' | 'globex' | 'provider' | 'logged-out', string>;
  let operations: Operation[];
  const fixtures = {} as Record<Org, OrgFixtures>;
  const cells: Cell[] = [];

  const globexState = () => orgState(h, 'globex', tokens.globex, fixtures.globex);

  async function call(persona: Exclude<Persona, 'unsigned'>, op: Operation): Promise<Cell> {
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
  async function sweep(persona: Exclude<Persona, 'unsigned'>, check: (cell: Cell) => string | undefined): Promise<string[]> {
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
    fixtures.acme = await makeFixtures(h, 'acme', acme);
    fixtures.globex = await makeFixtures(h, 'globex', globex);
    const doc = (await jsonOf(await fetch(`${h.backend.url}/openapi.json`))) as { paths: Record<string, Record<string, { summary?: string }>> };
    operations = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path: p, summary: item[m].summary })),
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
    expect(withoutOrg.filter((p) => !SERVER_OWN.includes(p) && !SIGNED_BY_VCD.includes(p))).toEqual([]);
    for (const area of ['/faas/functions', '/showback/summary', '/autoscale/rules', '/provider/tenants', '/provider/limits/orgs/{tenant}', '/{org}/limits', '/provider/audit', '/{org}/audit', '/{route}']) {
      expect(operations.some((o) => o.path.includes(area))).toBe(true);
    }
  });

  it('refuses a tenant every provider-only operation in its own org with 403 problem+json saying so, and lets the provider through', async () => {
    const providerOnly = operations.filter((o) => /\(provider only/i.test(o.summary ?? ''));
    // The document marks them; the overview's routes (issue 18) and showback's provider routes are among them.
    expect(providerOnly.map((o) => o.path)).toEqual(
      expect.arrayContaining(['/api/org/{org}/provider/tenants', '/api/org/{org}/provider/tenants.csv', '/api/org/{org}/provider/limits/default', '/api/org/{org}/provider/limits/orgs/{tenant}', '/api/org/{org}/provider/audit']),
    );
    // Changing limits is among them for every method: a tenant may not change its own.
    expect(providerOnly.filter((o) => o.path.includes('/provider/limits/') && o.method !== 'GET').length).toBe(3);
    const failures: string[] = [];
    for (const op of providerOnly) {
      const own = await call('own', op);
      if (own.status !== 403 || !/provider/i.test(own.body)) failures.push(`own ${op.method} ${own.url}: ${own.status} ${own.body.slice(0, 120)}`);
      if (op.method !== 'GET') continue;
      const asProvider = await call('provider', op);
      if (asProvider.status !== 200) failures.push(`provider ${op.method} ${asProvider.url}: ${asProvider.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses the routes vCD signs to a tenant\'s session, a provider\'s session and to no credentials at all', async () => {
    const signed = operations.filter((o) => SIGNED_BY_VCD.includes(o.path));
    expect(signed.length).toBeGreaterThan(0);
    for (const op of signed) {
      for (const token of [tokens.acme, tokens.provider, undefined]) {
        const res = await fetch(h.backend.url + op.path, {
          method: op.method,
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: ['POST', 'PUT'].includes(op.method) ? JSON.stringify({ eventId: 'forged', type: 'com/vmware/vcloud/event/vm/create' }) : undefined,
        });
        cells.push({ persona: 'unsigned', op, url: op.path, status: res.status, body: await res.text() });
        expect(res.status, `${op.method} ${op.path}`).toBe(401);
      }
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
