import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { ruleFor } from '../testing/autoscale';
import { api, jsonOf, openTestDb, startHarness, STORES, type Harness } from '../testing/harness';
import { migrate, readMigrations } from './migrate';

/**
 * Upgrades (issue 17): today's backend starts on a store the previous release left behind (schema up to 033, rows
 * as that version wrote them: server/testing/fixtures/store-033.sql) and carries it forward with its functions,
 * costs and rules intact; it refuses a store a newer backend migrated.
 */

const PREVIOUS_LEVEL = 33;
const FIXTURE = readFileSync(path.join(__dirname, '../testing/fixtures/store-033.sql'), 'utf8');

describe.each(STORES)('upgrading a previous release\'s store on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.backend.close();
    // The store as the previous release left it: only its migrations, then its rows.
    const db = await openTestDb(h.store);
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await migrate(db, readMigrations().filter((m) => m.version <= PREVIOUS_LEVEL));
    const spec = { ...ruleFor(DEMO_INFRA_IDS.acme), minVms: 1, maxVms: 4, step: 1, cooldownSeconds: 120, stabilizationSeconds: 300, evaluationSeconds: 60, enabled: true };
    await db.exec(FIXTURE.replace(":'rule_spec'", `'${JSON.stringify(spec).replace(/'/g, "''")}'`));
    await db.close();
    await h.restart();
    acme = api(() => h.backend.url, await h.login('acme'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('migrates the store forward to the newest migration', async () => {
    const provider = api(() => h.backend.url, await h.login('provider'));
    const about = await jsonOf(await provider.get('/api/org/System/provider/about'));
    const names = readMigrations().map((m) => m.name);
    expect(about.migrations).toEqual({ level: readMigrations().at(-1)!.version, applied: names });
    expect(about.orgs).toContainEqual({ org: 'acme', functions: 1, rules: 1 });
  });

  it('keeps the functions, their versions and their settings, and calls them', async () => {
    const fn = await jsonOf(await acme.get('/api/org/acme/faas/functions/hello'));
    expect(fn).toMatchObject({ name: 'hello', status: 'ready', version: 2, env: { GREETING: 'hi' } });
    const versions = await jsonOf(await acme.get('/api/org/acme/faas/functions/hello/versions'));
    expect(versions.items.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);
    const res = await acme.get('/api/org/acme/hello?who=upgrade');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: 'upgrade', from: 'v2', org: 'acme' });
  });

  it('keeps the costs and the provider\'s rate card', async () => {
    const daily = await jsonOf(await acme.get('/api/org/acme/showback/daily?from=2026-11-15&to=2026-11-15'));
    expect(daily.items).toEqual([{ day: '2026-11-15', total: 1234, byService: { functions: 1234 } }]);
    const card = await jsonOf(await acme.get('/api/org/acme/showback/ratecard'));
    expect(card.rates.functionInvocation).toBe(0.0000005);
  });

  it('keeps the autoscale rules', async () => {
    const rules = await jsonOf(await acme.get('/api/org/acme/autoscale/rules'));
    expect(rules.items).toMatchObject([{ id: 'fixture-rule-1', name: 'web', maxVms: 4, enabled: true }]);
  });

  it('refuses to start on a store a newer version migrated, saying so', async () => {
    await h.backend.close();
    const db = await openTestDb(h.store);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, '999_from_the_future.sql')");
    await db.close();
    await expect(h.restart()).rejects.toThrow(
      /the store is at migration 999_from_the_future\.sql, newer than this backend knows \(up to \d+\).*downgrading is not supported/,
    );
  });
});
