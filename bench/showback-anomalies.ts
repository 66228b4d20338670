import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { demoCharges, HISTORY_DAYS, injectedAnomaly } from '../mock-vcd/billing/demo-data';
import { CostAnomalies } from '../server/showback/anomaly-check';
import { AnomalyStore } from '../server/showback/anomaly-store';
import { ShowbackQueries } from '../server/showback/queries';
import { writeCosts, type CostRecord } from '../server/showback/store';
import { openPgliteDb } from '../server/store/drivers/pglite';
import { migrate } from '../server/store/migrate';
import type { Figures } from './figures';

const DAY_MS = 86_400_000;
const ORGS = ['acme', 'globex'];

/** The demo org's charges as the collector stores them (minor units, one record per charge). */
function demoRecords(org: string, from: Date, to: Date): CostRecord[] {
  return demoCharges(org, from, to).map((c) => ({
    org: c.org, sourceId: 'demo', naturalKey: c.id, periodStart: new Date(c.start), periodEnd: new Date(c.end),
    resourceKind: 'vm', resourceId: c.resourceId, resourceName: c.resourceName, vappId: c.vappId, vappName: c.vappName,
    service: c.service, quantity: c.quantity, unit: c.unit, cost: Math.round(c.cost * 100), currency: c.currency,
  }));
}

/**
 * Precision and recall of the stored anomaly check on the spikes injected into the demo data (acme + globex): the
 * demo months are written into a PGlite store as the collector writes them, the check the backend schedules runs
 * over every day with a full window behind it, and what it stored is compared with the injected truth.
 */
export async function anomalyScores(): Promise<{ precision: number; recall: number; truth: number; flagged: number; driverHits: number }> {
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
  const from = new Date(to.getTime() - (HISTORY_DAYS + 1) * DAY_MS);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-anomalies-'));
  const db = await openPgliteDb({ dataDir });
  try {
    await migrate(db);
    const queries = new ShowbackQueries(db);
    const check = new CostAnomalies({
      store: new AnomalyStore(db),
      currencyOf: (org) => queries.currency(org),
      delivery: { kick: () => undefined },
      functionRuns: { kick: () => undefined },
      functions: { check: async () => 'missing' },
      webhookHosts: [],
      ensureSecret: async () => undefined,
      log: pino({ level: 'silent' }),
      // Every day from day 29 of the demo history (a full window behind it) up to yesterday (today is not over).
      judgeDays: HISTORY_DAYS - 29,
    });
    let [tp, flagged, truth, driverHits] = [0, 0, 0, 0];
    for (const org of ORGS) {
      await writeCosts(db, demoRecords(org, from, to));
      const judged = await check.check(org);
      const stored = (await check.list(org, { from: judged.from, to: judged.to })).items;
      flagged += stored.length;
      for (const a of stored) {
        const spike = injectedAnomaly(org, a.day, a.service);
        if (!spike) continue;
        tp++;
        if (spike.vappId === null || spike.vappId === a.vappId) driverHits++;
      }
      for (let t = Date.parse(judged.from); t <= Date.parse(judged.to); t += DAY_MS) {
        const day = new Date(t).toISOString().slice(0, 10);
        for (const service of ['compute', 'storage', 'network', 'functions', 'backup']) if (injectedAnomaly(org, day, service)) truth++;
      }
    }
    return { precision: flagged ? (tp / flagged) * 100 : 100, recall: truth ? (tp / truth) * 100 : 100, truth, flagged, driverHits };
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchAnomalies(figures: Figures): Promise<void> {
  const s = await anomalyScores();
  const note = `${s.truth} injected spikes (x2.5–4.5 in one vApp or service), ${s.flagged} stored by the anomaly check, acme + globex demo data on PGlite; median ± max(5·1.4826·MAD, 15 %) of the same kind of day over 28 days`;
  figures.add('showback.anomaly_precision', { value: s.precision, unit: '%', note });
  figures.add('showback.anomaly_recall', { value: s.recall, unit: '%', note: `${note}; driver vApp right on ${s.driverHits} of the hits` });
}
