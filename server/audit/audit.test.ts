import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate';
import { api, freshStore, jsonOf, newFunction, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { AuditStore } from './store';

/** Values that must never reach the log: secrets, an env value, a source's auth header, the sessions' tokens. */
const SECRET_1 = 'sk-live-SECRET-VALUE-one';
const SECRET_2 = 'sk-live-SECRET-VALUE-two';
const ENV_VALUE = 'plain-env-VALUE-xyz';
const HEADER_TOKEN = 'Bearer billing-TOKEN-SECRET';

type Client = ReturnType<typeof api>;
type Entry = { org: string; kind: string; action: string; target: string; actor: { user: string; org: string; role: string }; fields: string[]; secrets: { set: string[]; removed: string[] } | null; before: unknown; after: unknown };

describe.each(STORES)('audit log on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  let globex: Client;
  let provider: Client;
  let tokens: string[];

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { containerEngine: 'off', showbackHttpAllowedHosts: '127.0.0.1:9' } });
    tokens = await Promise.all([h.login('acme'), h.login('globex'), h.login('provider')]);
    [acme, globex, provider] = tokens.map((t) => api(() => h.backend.url, t));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('vault', { env: { MODE: ENV_VALUE }, secrets: { API_KEY: SECRET_1 } }))).status).toBe(202);
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('Not A Name'))).status).toBe(400);
    expect((await acme.waitBuilt('acme', 'vault')).status).toBe('ready');
    expect((await acme.put('/api/org/acme/faas/functions/vault', { secrets: { API_KEY: SECRET_2, OLD: null } })).status).toBe(202);
    const source = { kind: 'http', name: 'billing', schedule: '0 3 * * *', config: { url: 'http://127.0.0.1:9/c?from={from}', authHeader: { name: 'Authorization', value: HEADER_TOKEN } } };
    expect((await acme.post('/api/org/acme/showback/sources', source)).status).toBe(201);
    expect((await acme.post('/api/org/acme/showback/budgets', { name: 'monthly', amount: 100_00 })).status).toBe(201);
    expect((await globex.post('/api/org/globex/faas/functions', newFunction('other'))).status).toBe(202);
    expect((await provider.put('/api/org/System/provider/limits/orgs/acme', { memoryMb: 64 })).status).toBe(200);
    expect((await provider.put('/api/org/System/provider/limits/orgs/acme', { memoryMb: 32 })).status).toBe(200);
  }, 120_000);
  afterAll(() => h?.close());

  const items = async (res: Response): Promise<Entry[]> => {
    expect(res.status).toBe(200);
    return (await jsonOf(res)).items;
  };

  it('records each change of the org with who, what, the fields set and secrets by name, newest first; a refused change leaves nothing', async () => {
    const log = await items(await acme.get('/api/org/acme/audit'));
    expect(log.map((e) => `${e.kind} ${e.action} ${e.target}`)).toEqual([
      'limits update limits of acme',
      'limits update limits of acme',
      'budgets create budget monthly',
      'sources create source billing',
      'secrets update function vault',
      'functions create function vault',
    ]);
    const [newest, , , , secrets, created] = log;
    expect(created).toMatchObject({ org: 'acme', actor: { user: 'admin', org: 'acme', role: 'tenant' }, secrets: { set: ['API_KEY'], removed: [] } });
    expect(created.fields).toEqual(expect.arrayContaining(['code', 'env', 'name', 'secrets']));
    expect(secrets).toMatchObject({ fields: ['secrets'], secrets: { set: ['API_KEY'], removed: ['OLD'] } });
    expect(newest).toMatchObject({ actor: { user: 'administrator', org: 'System', role: 'provider' }, before: { memoryMb: 64 }, after: { memoryMb: 32 } });
  });

  it('filters by kind, user and time, and refuses a bad filter with 400 naming it', async () => {
    expect((await items(await acme.get('/api/org/acme/audit?kind=secrets'))).map((e) => e.kind)).toEqual(['secrets']);
    expect((await items(await acme.get('/api/org/acme/audit?user=administrator'))).every((e) => e.kind === 'limits')).toBe(true);
    expect(await items(await acme.get(`/api/org/acme/audit?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`))).toEqual([]);
    expect((await items(await acme.get(`/api/org/acme/audit?until=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}&limit=2`))).length).toBe(2);
    const bad = await acme.get('/api/org/acme/audit?kind=everything');
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.map((e) => e.path)).toContain('kind');
  });

  it('shows a tenant its own org only, and the provider every org or one', async () => {
    expect((await items(await globex.get('/api/org/globex/audit'))).map((e) => e.target)).toEqual(['function other']);
    const foreign = await acme.get('/api/org/globex/audit');
    expect(foreign.status).toBe(403);
    const everyOrg = await acme.get('/api/org/acme/provider/audit');
    expect(everyOrg.status).toBe(403);
    expect((await problemOf(everyOrg)).detail).toMatch(/only the provider/);
    const all = await items(await provider.get('/api/org/System/provider/audit'));
    expect(new Set(all.map((e) => e.org))).toEqual(new Set(['acme', 'globex']));
    expect((await items(await provider.get('/api/org/System/provider/audit?org=globex'))).map((e) => e.org)).toEqual(['globex']);
  });

  it('never holds a secret\'s value, an env value, a header token or a session token, in its answers or its rows', async () => {
    const forbidden = [SECRET_1, SECRET_2, ENV_VALUE, HEADER_TOKEN, 'billing-TOKEN-SECRET', ...tokens];
    const answers = [await (await acme.get('/api/org/acme/audit')).text(), await (await provider.get('/api/org/System/provider/audit')).text()];
    // The rows as stored: PGlite lets one process open its files, so the backend stops first.
    await h.backend.close();
    const db = await openTestDb(h.store);
    try {
      const { rows } = await db.query('SELECT * FROM audit_log');
      expect(rows.length).toBe(7);
      const stored = JSON.stringify(rows);
      for (const text of [...answers, stored]) for (const value of forbidden) expect(text).not.toContain(value);
      expect(stored).toContain('API_KEY');
    } finally {
      await db.close();
    }
  });
});

describe.each(STORES)('audit retention on %s', (kind) => {
  it('drops the entries older than the retention and keeps the rest', async () => {
    const store = await freshStore(kind);
    const db = await openTestDb(store);
    try {
      await migrate(db);
      const audit = new AuditStore(db);
      const entry = { org: 'acme', actor: { user: 'admin', org: 'acme', role: 'tenant' as const }, kind: 'rules' as const, action: 'create' as const, fields: [], secrets: null, before: null, after: null };
      await audit.insert({ ...entry, target: 'rule old' });
      await audit.insert({ ...entry, target: 'rule new' });
      await db.query(`UPDATE audit_log SET at = now() - interval '400 days' WHERE target = 'rule old'`);
      expect(await audit.prune(new Date(Date.now() - 365 * 86_400_000))).toBe(1);
      expect((await audit.list({ org: 'acme', limit: 10, offset: 0 })).items.map((e) => e.target)).toEqual(['rule new']);
    } finally {
      await db.close();
      await store.drop();
    }
  });
});
