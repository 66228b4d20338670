import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CHURNING_TABLES } from '../compose/store';
import { ActivationStore, type ActivationRecord } from '../functions/activations';
import type { Db } from './db';
import { openPgliteDb, type PgliteVacuum } from './drivers/pglite';
import { migrate } from './migrate';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function open(vacuum?: PgliteVacuum): Promise<Db> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vsl-vacuum-'));
  dirs.push(dir);
  const db = await openPgliteDb({ dataDir: dir, vacuum });
  await migrate(db);
  return db;
}

const call = (): ActivationRecord => ({
  id: randomUUID(), org: 'acme', function: 'hello', version: 1, alias: 'live', trigger: 'http', start: new Date(), durationMs: 0.5,
  status: 'success', cold: false, memoryMb: 128, statusCode: 200, logs: [], logsTruncated: false, droppedHeaders: [],
});

/** 30 000 calls of one function, 1 000 records kept: the rest are written and pruned again. Answers the table's bytes. */
async function churn(db: Db): Promise<number> {
  const store = new ActivationStore(db, { maxPerFunction: 1000, maxAgeMs: 86_400_000 }, pino({ level: 'silent' }), { flushMs: 1e9, batchSize: 1e9 });
  for (let round = 1; round <= 150; round++) {
    for (let i = 0; i < 200; i++) store.record(call());
    await store.flush();
    if (round % 10 === 0) await new Promise((r) => setTimeout(r, 30)); // the vacuum timer's turn
  }
  const { rows } = await db.query<{ n: number; bytes: string }>(`SELECT count(*)::int AS n, pg_total_relation_size('activations')::text AS bytes FROM activations`);
  expect(rows[0].n).toBeLessThanOrEqual(1200);
  return Number(rows[0].bytes);
}

describe('the embedded store reuses the space of pruned rows', () => {
  it('keeps the activation table near the size of the records it keeps while calls come and go', async () => {
    const db = await open({ tables: ['activations'], everyMs: 20 });
    const bytes = await churn(db);
    await db.close();
    expect(bytes).toBeLessThan(6.5 * 2 ** 20);
  });

  it('grows with every call ever made without it (PGlite runs no autovacuum)', async () => {
    const db = await open();
    const bytes = await churn(db);
    await db.close();
    expect(bytes).toBeGreaterThan(8 * 2 ** 20);
  });

  it('vacuums tables that all exist once the store is migrated', async () => {
    const db = await open();
    await expect(db.exec(`VACUUM ${CHURNING_TABLES.join(', ')}`)).resolves.toBeUndefined();
    await db.close();
  });
});
