import { afterEach, describe, expect, it } from 'vitest';
import { freshStore, openTestDb, STORES, type StoreHandle } from '../testing/harness';
import type { Db } from './db';
import { migrate, readMigrations } from './migrate';

describe.each(STORES)('migrations on %s', (kind) => {
  let store: StoreHandle | undefined;
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    await store?.drop();
  });

  it('applies every numbered migration once, records it, and applies nothing on the next start', async () => {
    store = await freshStore(kind);
    db = await openTestDb(store);
    const versions = readMigrations().map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(await migrate(db)).toEqual(versions);
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(versions);
    expect(rows[0].name).toBe('001_functions.sql');
  });

  it('rolls back a failing migration as a whole and records nothing for it', async () => {
    store = await freshStore(kind);
    db = await openTestDb(store);
    const broken = [{ version: 1, name: '001_broken.sql', sql: 'CREATE TABLE half (id int); SELECT no_such_function();' }];
    await expect(migrate(db, broken)).rejects.toThrow();
    const { rows } = await db.query("SELECT to_regclass('half') AS t");
    expect(rows[0]).toEqual({ t: null });
    expect((await db.query('SELECT * FROM schema_migrations')).rows).toEqual([]);
  });
});
