import { demoCharges, HISTORY_DAYS, injectedAnomaly } from '../mock-vcd/billing/demo-data';
import { detectAnomalies, type DailyServiceCost } from '../server/showback/anomalies';
import type { Figures } from './figures';

const DAY_MS = 86_400_000;

/** The demo org's cost per day and service with its vApps, minor units (as the store's rollups hold it). */
export function demoDailyServiceCosts(org: string, from: Date, to: Date): DailyServiceCost[] {
  const rows = new Map<string, DailyServiceCost & { byVapp: Record<string, number> }>();
  for (const c of demoCharges(org, from, to)) {
    const day = c.start.slice(0, 10);
    const key = `${day}|${c.service}`;
    const row = rows.get(key) ?? { day, service: c.service, cost: 0, byVapp: {} };
    const minor = Math.round(c.cost * 100);
    row.cost += minor;
    row.byVapp[c.vappId] = (row.byVapp[c.vappId] ?? 0) + minor;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** Precision and recall of the anomaly check on the spikes injected into the demo data (acme + globex). */
export function anomalyScores(): { precision: number; recall: number; truth: number; flagged: number; driverHits: number } {
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const from = new Date(to.getTime() - HISTORY_DAYS * DAY_MS);
  // Judged from day 29 on (a full window behind it), up to yesterday (today is not over).
  const judgeFrom = new Date(from.getTime() + 29 * DAY_MS).toISOString().slice(0, 10);
  const judgeTo = new Date(to.getTime() - DAY_MS).toISOString().slice(0, 10);
  let tp = 0;
  let flagged = 0;
  let truth = 0;
  let driverHits = 0;
  for (const org of ['acme', 'globex']) {
    const rows = demoDailyServiceCosts(org, from, to);
    const found = detectAnomalies(rows, judgeFrom, judgeTo);
    flagged += found.length;
    for (const a of found) {
      const spike = injectedAnomaly(org, a.day, a.service);
      if (!spike) continue;
      tp++;
      if ((spike.vappId ?? null) === a.vappId || spike.vappId === null) driverHits++;
    }
    for (const r of rows) if (r.day >= judgeFrom && r.day <= judgeTo && injectedAnomaly(org, r.day, r.service)) truth++;
  }
  return { precision: flagged ? (tp / flagged) * 100 : 100, recall: truth ? (tp / truth) * 100 : 100, truth, flagged, driverHits };
}

export function benchAnomalies(figures: Figures): void {
  const s = anomalyScores();
  const note = `${s.truth} injected spikes (x2.5–4.5 in one vApp or service), ${s.flagged} flagged, acme + globex demo data; median ± max(5·1.4826·MAD, 15 %) of the same kind of day over 28 days`;
  figures.add('showback.anomaly_precision', { value: s.precision, unit: '%', note });
  figures.add('showback.anomaly_recall', { value: s.recall, unit: '%', note: `${note}; driver vApp right on ${s.driverHits} of the hits` });
}
