import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db';
import { migrate } from '../store/migrate';
import { freshStore, openTestDb, type StoreHandle } from '../testing/harness';
import { Collector } from './collector';
import { HttpBillingSource } from './drivers/http-source';

const DAYS = 30;
const PER_DAY = 2000;
const FROM = '2026-02-01';
const TO = '2026-03-02';
const APP_NAME = `sb-interrupted-${process.pid}`;

/** Charges as a billing API holds them: PER_DAY per day for DAYS days, 1..PER_DAY cents each. */
function charges(): { id: string; start: string; end: string; cost: number; service: string; currency: string }[] {
  const out = [];
  for (let d = 0; d < DAYS; d++) {
    const start = new Date(Date.parse(`${FROM}T00:00:00Z`) + d * 86_400_000);
    for (let i = 0; i < PER_DAY; i++) {
      out.push({ id: `c-${d}-${i}`, start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString(), cost: (i + 1) / 100, service: i % 2 ? 'compute' : 'storage', currency: 'EUR' });
    }
  }
  return out;
}
const ALL = charges();
const EXPECTED_TOTAL = ALL.reduce((a, c) => a + Math.round(c.cost * 100), 0);

describe('a showback run interrupted mid-run (PostgreSQL)', () => {
  let store: StoreHandle;
  let db: Db;
  let server: Server;
  let host: string;
  /** Set per test: the next answer is cut after this many bytes. */
  let cutAfter: number | null = null;

  beforeAll(async () => {
    store = await freshStore('postgres');
    db = await openTestDb(store);
    await migrate(db);
    const body = JSON.stringify({ items: ALL });
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (cutAfter !== null) {
        // The connection closes in the middle of the answer.
        res.write(body.slice(0, cutAfter));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await db?.close();
    await store?.drop();
  });

  const collector = () =>
    new Collector({ db, drivers: { http: new HttpBillingSource({ allowedHosts: [host], maxBytes: 64 * 1024 * 1024 }) }, log: pino({ level: 'silent' }), maxRetries: 0 });
  const stored = async (sourceId: string) => {
    const { rows } = await db.query<{ n: string; keys: string; cost: string | null }>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT natural_key) AS keys, SUM(cost) AS cost FROM showback_costs WHERE org = $1 AND source_id = $2',
      ['acme', sourceId],
    );
    const { rows: daily } = await db.query<{ cost: string | null; days: string }>(
      'SELECT SUM(cost) AS cost, COUNT(DISTINCT day) AS days FROM showback_daily WHERE org = $1 AND source_id = $2',
      ['acme', sourceId],
    );
    const { rows: monthly } = await db.query<{ cost: string | null }>('SELECT SUM(cost) AS cost FROM showback_monthly WHERE org = $1 AND source_id = $2', ['acme', sourceId]);
    return { rows: Number(rows[0].n), keys: Number(rows[0].keys), cost: Number(rows[0].cost ?? 0), daily: Number(daily[0].cost ?? 0), days: Number(daily[0].days), monthly: Number(monthly[0].cost ?? 0) };
  };
  const complete = { rows: ALL.length, keys: ALL.length, cost: EXPECTED_TOTAL, daily: EXPECTED_TOTAL, days: DAYS, monthly: EXPECTED_TOTAL };

  it('stores nothing of a run whose source closed the connection mid-answer, and all of it once when run again', async () => {
    const c = collector();
    const source = await c.create('acme', { kind: 'http', name: 'cut', enabled: false, config: { url: `http://${host}/charges` } });
    cutAfter = 1_000_000;
    const cut = await c.runNow('acme', source.id, { from: FROM, to: TO });
    expect(cut.status).toBe('failed');
    expect(await stored(source.id)).toMatchObject({ rows: 0, cost: 0, daily: 0 });
    cutAfter = null;
    expect(await c.runNow('acme', source.id, { from: FROM, to: TO })).toMatchObject({ status: 'succeeded', rowsWritten: ALL.length });
    expect(await stored(source.id)).toEqual(complete);
  });

  it('leaves no duplicates and no gaps when the collecting process is killed while writing, and is run again', async () => {
    const c = collector();
    const source = await c.create('acme', { kind: 'http', name: 'killed', enabled: false, config: { url: `http://${host}/charges` } });
    const url = new URL(store.overrides.databaseUrl as string);
    url.searchParams.set('application_name', APP_NAME);
    // One process (node with tsx's loader, not the tsx wrapper that would outlive the kill's target).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../testing/showback-run-child.ts'), url.toString(), host, 'acme', source.id, FROM, TO], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill it once its write transaction touched the cost table, before it commits.
    let killed = false;
    for (let i = 0; i < 3000 && !killed && child.exitCode === null; i++) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND query ILIKE '%showback_costs%'`,
        [APP_NAME],
      );
      if (Number(rows[0].n) > 0) {
        child.kill('SIGKILL');
        killed = true;
      } else await new Promise((r) => setTimeout(r, 5));
    }
    await exited;
    expect(killed, `the child finished before it could be killed: ${out}`).toBe(true);
    // PostgreSQL notices the dead connection and rolls its transaction back; the run row stays "running".
    for (let i = 0; i < 200; i++) {
      const { rows } = await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1', [APP_NAME]);
      if (Number(rows[0].n) === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const runs = await c.runs('acme', source.id);
    expect(runs.items.map((r) => r.status)).toEqual(['running']);
    const partial = await stored(source.id);
    expect(partial.rows).toBeLessThan(ALL.length);
    expect(partial.cost).toBe(partial.daily);

    const again = await c.runNow('acme', source.id, { from: FROM, to: TO });
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: ALL.length });
    expect(await stored(source.id)).toEqual(complete);
    // And once more: nothing new, nothing doubled.
    expect(await c.runNow('acme', source.id, { from: FROM, to: TO })).toMatchObject({ status: 'succeeded', rowsWritten: 0 });
    expect(await stored(source.id)).toEqual(complete);
  });
});
