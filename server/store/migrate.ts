import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
/** Any constant: serialises replicas migrating one PostgreSQL at the same time. */
const MIGRATION_LOCK = 7_402_118;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `NNN_name.sql` files in order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), name: f, sql: readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** A store migrated by a newer backend than this one: starting on it would run old code on a schema it does not know. */
export class StoreTooNew extends Error {}

export interface MigrationLevel {
  /** The highest migration applied (0 on an empty store). */
  level: number;
  /** File names of the applied migrations, in order. */
  applied: string[];
}

/** What schema_migrations records (the store's migration level). */
export async function migrationLevel(db: Db): Promise<MigrationLevel> {
  const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
  return { level: rows.length ? Number(rows[rows.length - 1].version) : 0, applied: rows.map((r) => r.name) };
}

/** Refuses a store whose newest migration this backend does not have (a downgrade), naming both levels. */
async function refuseNewerStore(db: Db, migrations: Migration[]): Promise<void> {
  const top = migrations.length ? migrations[migrations.length - 1].version : 0;
  const { level, applied } = await migrationLevel(db);
  if (level <= top) return;
  throw new StoreTooNew(
    `the store is at migration ${applied[applied.length - 1]}, newer than this backend knows (up to ${top}): ` +
      'a newer version upgraded it and downgrading is not supported; run that version or a newer one, or restore a backup taken before the upgrade',
  );
}

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction; refuses (StoreTooNew)
 * a store a newer backend migrated.
 */
export async function migrate(db: Db, migrations = readMigrations()): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  await refuseNewerStore(db, migrations);
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
