import { loginAsTenant } from '../bin/lib/vcd-provider';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { ShowbackQueries } from '../server/showback/queries';
import type { Db } from '../server/store/db';
import { migrate } from '../server/store/migrate';
import { freshStore, openTestDb, type StoreKind } from '../server/testing/harness';
import { type Figures, percentile } from './figures';
import { fillUsage } from './growth-fill';
import { budgetCheckP95, p95 } from './showback';

const DAY_MS = 86_400_000;
const DAYS = 240;
const ORG = 'acme';

export type Reads = Record<'summary' | 'breakdown' | 'breakdown_vapp' | 'breakdown_vapp_month' | 'summary_uncached' | 'budget_check_ms', number>;

const label = (rows: number) => (rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1000}k`);

/** The last whole month as from/to: the month to date grows with the day of the month, this one does not. */
function lastMonth(): string {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return `from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}`;
}

/** The month's cost straight from the rows: what the dashboard's rollups must add up to. */
async function monthFromRows(db: Db, today: Date): Promise<number> {
  const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const { rows } = await db.query<{ cost: string }>('SELECT SUM(cost) AS cost FROM showback_costs WHERE org = $1 AND period_start >= $2', [ORG, month.toISOString()]);
  return Number(rows[0].cost);
}

/** The summary's query in process, without the embedded store's per-org read cache (server/store/read-cache.ts). */
async function uncachedSummaryP95(db: Db, n: number): Promise<number> {
  const queries = new ShowbackQueries(db);
  await queries.summary(ORG);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await queries.summary(ORG);
    out.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return percentile(out.sort((a, b) => a - b), 95);
}

/**
 * One store filled with `rows` usage rows of acme, then the dashboard's reads over the backend's HTTP API (summary,
 * breakdown by service and by vApp, p95 of n GETs each), the budget check (p95 of POST budgets/check over ten
 * budgets) and the summary's query without the read cache.
 */
async function readsAt(kind: StoreKind, rows: number, n: number): Promise<Reads> {
  const store = await freshStore(kind);
  try {
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const db = await openTestDb(store);
    let expected: number;
    try {
      await migrate(db);
      const started = Date.now();
      const { vapps } = await fillUsage(db, { org: ORG, rows, days: DAYS, today });
      process.stdout.write(`  growth: ${rows} usage rows (${vapps} vApps) on ${kind} filled in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      expected = await monthFromRows(db, today);
    } finally {
      await db.close();
    }
    const http = await httpReads(store.overrides, n, expected);
    const db2 = await openTestDb(store);
    try {
      return { ...http, summary_uncached: await uncachedSummaryP95(db2, n) };
    } finally {
      await db2.close();
    }
  } finally {
    await store.drop();
  }
}

async function httpReads(overrides: object, n: number, expected: number): Promise<Omit<Reads, 'summary_uncached'>> {
  const mock = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal' });
  const backend = await startServer({ port: 0, vcdUrl: mock.url, logLevel: 'silent', ...overrides });
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const base = `${backend.url}/api/org/${ORG}/showback`;
    const res = await fetch(`${base}/breakdown?by=service&top=10`, { headers: { Authorization: `Bearer ${token}` } });
    const { total } = (await res.json()) as { total: number };
    if (total !== expected) throw new Error(`growth: the breakdown's month total ${total} is not the rows' ${expected}`);
    return {
      summary: await p95(`${base}/summary`, token, n),
      breakdown: await p95(`${base}/breakdown?by=service&top=10`, token, n),
      breakdown_vapp: await p95(`${base}/breakdown?by=vapp&top=10`, token, n),
      breakdown_vapp_month: await p95(`${base}/breakdown?by=vapp&top=10&${lastMonth()}`, token, n),
      budget_check_ms: await budgetCheckP95(base, token, Math.min(n, 50)),
    };
  } finally {
    await backend.close();
    await mock.close();
  }
}

const NOTES: Record<keyof Reads, string> = {
  summary: 'GET showback/summary over HTTP',
  breakdown: 'GET breakdown?by=service over HTTP',
  breakdown_vapp: 'GET breakdown?by=vapp (this month to date) over HTTP',
  breakdown_vapp_month: 'GET breakdown?by=vapp over the last whole month over HTTP',
  summary_uncached: 'ShowbackQueries.summary in process, no read cache',
  budget_check_ms: 'POST budgets/check, 10 budgets (org, 5 services, 3 vApps)',
};

/**
 * Issue 16 item 4 and issue 15: the dashboard's reads and the budget check at each size, on the embedded default
 * and on PostgreSQL; a larger size's figure carries the first size's as its baseline (the ratio is the growth).
 */
export async function benchGrowthShowback(figures: Figures, options: { sizes: number[]; n: number }): Promise<void> {
  const first = new Map<string, number>();
  for (const rows of options.sizes) {
    for (const kind of ['pglite', 'postgres'] as const) {
      const reads = await readsAt(kind, rows, options.n);
      for (const [read, value] of Object.entries(reads) as [keyof Reads, number][]) {
        const name = read === 'budget_check_ms' ? read : `${read}.p95_ms`;
        const key = `${kind}.${name}`;
        const baseline = first.get(key);
        if (baseline === undefined) first.set(key, value);
        const note = `p95, ${NOTES[read]}, ${rows} rows, ${kind}`;
        const growth = baseline === undefined ? {} : { baseline, ratio: value / baseline };
        figures.add(`growth.showback_${label(rows)}.${key}`, { value, unit: 'ms', note, ...growth });
      }
    }
  }
}
