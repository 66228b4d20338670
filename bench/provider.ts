import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { autoscaleOrgFigures } from '../server/autoscale/figures';
import { functionOrgFigures } from '../server/functions/figures';
import { ProviderService } from '../server/provider/service';
import { showbackOrgFigures } from '../server/showback/figures';
import { ShowbackQueries } from '../server/showback/queries';
import { RateCardStore } from '../server/showback/ratecard';
import { ShowbackService } from '../server/showback/service';
import { writeCosts, type CostRecord } from '../server/showback/store';
import type { Db } from '../server/store/db';
import { openPgDb } from '../server/store/drivers/pg';
import { openPgliteDb } from '../server/store/drivers/pglite';
import { migrate, migrationLevel } from '../server/store/migrate';
import { OrgReadCache } from '../server/store/read-cache';
import { StoreReadMarks } from '../server/store/read-marks';
import { freshStore } from '../server/testing/harness';
import { type Figures, percentile } from './figures';

const DAY_MS = 86_400_000;
const ORGS = 100;

/** Per org: 5 functions, 300 calls this month, 60 days of 3 services' costs, 2 rules with 20 decisions each. */
async function seed(db: Db, orgs: string[]): Promise<void> {
  const now = Date.now();
  for (const org of orgs) {
    for (let f = 0; f < 5; f++) {
      await db.query(
        `INSERT INTO functions (org, name, runtime, code, trigger, route, memory_mb, timeout_ms, status) VALUES ($1, $2, 'nodejs20', '', '{}', $2, 64, 1000, $3)`,
        [org, `fn-${f}`, f === 4 ? 'failed' : 'ready'],
      );
    }
    await db.query(
      `INSERT INTO activations (id, org, function, version, trigger, start, duration_ms, status, cold, memory_mb, status_code, logs, logs_truncated)
       SELECT $1 || '-' || g, $1, 'fn-' || (g % 4), 1, 'http', now() - (g || ' minutes')::interval, 12, CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END,
              false, 64, 200, '[]', false FROM generate_series(1, 300) g`,
      [org],
    );
    const records: CostRecord[] = [];
    for (let d = 0; d < 60; d++) {
      const start = new Date(Math.floor((now - d * DAY_MS) / DAY_MS) * DAY_MS);
      for (const service of ['compute', 'storage', 'functions']) {
        records.push({ org, sourceId: 'bench', naturalKey: `${service}:${d}`, periodStart: start, periodEnd: new Date(start.getTime() + DAY_MS), service, cost: 1000 + d, currency: 'EUR' });
      }
    }
    await writeCosts(db, records);
    for (let r = 0; r < 2; r++) {
      const id = `${org}-rule-${r}`;
      await db.query(`INSERT INTO autoscale_rules (id, org, name, spec) VALUES ($1, $2, $3, '{}')`, [id, org, `rule-${r}`]);
      await db.query(
        `INSERT INTO autoscale_events (org, rule_id, kind, message, data) SELECT $1, $2, 'decision', 'd', '{"action":"none","reason":"in-band","desired":2,"current":2}' FROM generate_series(1, 20)`,
        [org, id],
      );
    }
  }
}

async function measure(figures: Figures, kind: 'pglite' | 'postgres', db: Db): Promise<void> {
  const orgs = Array.from({ length: ORGS }, (_, i) => `tenant-${String(i).padStart(3, '0')}`);
  await seed(db, orgs);
  // vCD's org list is left out (a stub): the figure is what the backend adds on top of one paged vCD read.
  const service = new ProviderService({
    orgs: { list: async () => orgs.map((name) => ({ name, displayName: name })) },
    functions: functionOrgFigures({ db, flush: async () => undefined }),
    // With the read cache as composed (server/compose/store.ts): each org's summary is kept until a write of it.
    cost: showbackOrgFigures(new ShowbackService({ db, queries: new ShowbackQueries(db), rateCard: new RateCardStore(db), cache: new OrgReadCache(true, kind === 'postgres' ? { marks: new StoreReadMarks(db, 'showback') } : {}) })),
    autoscale: autoscaleOrgFigures(db),
    facts: async () => ({ version: 'bench', transport: 'http' as const, migrations: await migrationLevel(db) }),
  });
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const overview = await service.tenants('bench');
    times.push(performance.now() - t0);
    if (overview.items.length !== ORGS || overview.items[0].usage.calls !== 300) throw new Error('the overview did not see the seeded orgs');
  }
  figures.add(`provider.overview_100_orgs_${kind}_first_ms`, { value: times[0], unit: 'ms', note: 'the first overview: no summary kept yet' });
  const warm = times.slice(2).sort((a, b) => a - b);
  figures.add(`provider.overview_100_orgs_${kind}_p50_ms`, { value: percentile(warm, 50), unit: 'ms', note: '100 orgs × (5 functions, 300 calls, 180 cost rows, 2 rules); vCD org list stubbed' });
  figures.add(`provider.overview_100_orgs_${kind}_p95_ms`, { value: percentile(warm, 95), unit: 'ms' });
}

/** The provider's tenants overview with 100 orgs, on PGlite and on PostgreSQL. */
export async function benchProvider(figures: Figures): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-provider-'));
  const lite = await openPgliteDb({ dataDir: dir });
  try {
    await migrate(lite);
    await measure(figures, 'pglite', lite);
  } finally {
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const store = await freshStore('postgres');
  const pgDb = await openPgDb({ databaseUrl: store.overrides.databaseUrl as string });
  try {
    await migrate(pgDb);
    await measure(figures, 'postgres', pgDb);
  } finally {
    await pgDb.close();
    await store.drop();
  }
}
