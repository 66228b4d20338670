import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { demoCharges, HISTORY_DAYS } from '../mock-vcd/billing/demo-data';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { backtestMape } from '../server/showback/forecast';
import { writeCosts, type CostRecord } from '../server/showback/store';
import { openPgDb } from '../server/store/drivers/pg';
import { openPgliteDb } from '../server/store/drivers/pglite';
import { migrate } from '../server/store/migrate';
import { type Figures, percentile } from './figures';
import { benchAnomalies } from './showback-anomalies';

const DAY_MS = 86_400_000;
const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Forecast accuracy on the mock's demo billing data: MAPE at day 10 and day 20 of each complete past month. */
function benchForecast(figures: Figures): void {
  const to = new Date();
  const from = new Date(to.getTime() - HISTORY_DAYS * DAY_MS);
  const results = ['acme', 'globex'].map((org) => {
    const byDay = new Map<string, number>();
    for (const c of demoCharges(org, from, to)) byDay.set(c.start.slice(0, 10), (byDay.get(c.start.slice(0, 10)) ?? 0) + Math.round(c.cost * 100));
    const days = [...byDay].sort(([a], [b]) => a.localeCompare(b)).slice(0, -1).map(([day, cost]) => ({ day, cost }));
    return { d10: backtestMape(days, 10), d20: backtestMape(days, 20) };
  });
  const months = results.reduce((a, r) => a + r.d10.months, 0);
  const mean = (k: 'd10' | 'd20') => results.reduce((a, r) => a + r[k].mapePct * r[k].months, 0) / Math.max(1, months);
  figures.add('showback.forecast_mape_day10_pct', { value: mean('d10'), unit: '%', note: `${months} demo months, acme + globex` });
  figures.add('showback.forecast_mape_day20_pct', { value: mean('d20'), unit: '%', note: `${months} demo months, acme + globex` });
}

/** `rows` synthetic cost records for acme over HISTORY_DAYS: 200 vApps, 5 services, resources spread evenly. */
function* syntheticRows(rows: number, sourceId: string): Generator<CostRecord[]> {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const perDay = Math.ceil(rows / HISTORY_DAYS);
  const services = ['compute', 'storage', 'network', 'functions', 'backup'];
  let batch: CostRecord[] = [];
  let made = 0;
  for (let d = HISTORY_DAYS - 1; d >= 0 && made < rows; d--) {
    const start = new Date(today - d * DAY_MS);
    const end = new Date(start.getTime() + DAY_MS);
    for (let r = 0; r < perDay && made < rows; r++, made++) {
      const vapp = r % 200;
      batch.push({
        org: 'acme', sourceId, naturalKey: `vm-${r}`, periodStart: start, periodEnd: end,
        resourceKind: 'vm', resourceId: `urn:vcloud:vm:${r}`, resourceName: `vm-${r}`,
        vappId: `urn:vcloud:vapp:${vapp}`, vappName: `vapp-${vapp}`, service: services[r % 5],
        quantity: 24, unit: 'hour', cost: 50 + ((r * 7919 + d) % 400), currency: 'EUR',
      });
      if (batch.length === 10_000) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

function timedGet(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 500) >= 400 ? reject(new Error(`${url}: ${res.statusCode}`)) : resolve(Number(process.hrtime.bigint() - started) / 1e6)));
      })
      .on('error', reject);
  });
}

/** A JSON POST's duration; fails on an error status. */
async function timedPost(url: string, token: string, body: unknown): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  if (res.status >= 400) throw new Error(`${url}: ${res.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The budget check over the filled store: ten budgets (org-wide, per service, per vApp), each check computes their
 * state; the first records the alerts, the later ones find them recorded (the steady state of the schedule).
 */
export async function budgetCheckP95(base: string, token: string, n: number): Promise<number> {
  const scopes = [{}, {}, { service: 'compute' }, { service: 'storage' }, { service: 'network' }, { service: 'functions' }, { service: 'backup' }, { vappId: 'urn:vcloud:vapp:1' }, { vappId: 'urn:vcloud:vapp:2' }, { vappId: 'urn:vcloud:vapp:3' }];
  for (const [i, scope] of scopes.entries()) await timedPost(`${base}/budgets`, token, { name: `bench-${i}`, amount: 1000 + i * 1_000_000, ...scope });
  await timedPost(`${base}/budgets/check`, token, {});
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timedPost(`${base}/budgets/check`, token, {}));
  return percentile(out.sort((a, b) => a - b), 95);
}

export async function p95(url: string, token: string, n: number): Promise<number> {
  await timedGet(url, token);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timedGet(url, token));
  return percentile(out.sort((a, b) => a - b), 95);
}

/** Ingest rate and summary/breakdown latency over HTTP on one store filled with `rows` records. */
async function benchStore(figures: Figures, kind: 'postgres' | 'pglite', rows: number, n: number): Promise<void> {
  let overrides: { databaseUrl?: string; dataDir?: string };
  let drop: () => Promise<void>;
  if (kind === 'postgres') {
    const name = `vsl_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    overrides = { databaseUrl: url.toString() };
    drop = async () => {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-showback-'));
    overrides = { dataDir };
    drop = async () => rmSync(dataDir, { recursive: true, force: true });
  }
  try {
    const db = overrides.databaseUrl ? await openPgDb({ databaseUrl: overrides.databaseUrl }) : await openPgliteDb({ dataDir: overrides.dataDir as string });
    await migrate(db);
    let written = 0;
    const started = process.hrtime.bigint();
    for (const batch of syntheticRows(rows, 'bench')) written += await writeCosts(db, batch);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await db.close();
    const suffix = kind === 'postgres' ? '' : '_pglite';
    figures.add(`showback.ingest_rows_per_s${suffix}`, { value: written / seconds, unit: 'rows/s', note: `${written} rows, ${kind}, with rollups` });

    const mock = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal' });
    const backend = await startServer({ port: 0, vcdUrl: mock.url, logLevel: 'silent', ...overrides });
    try {
      const res = await fetch(`${mock.url}/cloudapi/1.0.0/sessions`, {
        method: 'POST',
        headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}` },
      });
      const token = res.headers.get('x-vmware-vcloud-access-token') as string;
      const base = `${backend.url}/api/org/acme/showback`;
      const note = `${rows} rows, ${kind}, ${n} GETs`;
      figures.add(`showback.summary.p95_ms${suffix}`, { value: await p95(`${base}/summary`, token, n), unit: 'ms', note });
      figures.add(`showback.breakdown.p95_ms${suffix}`, { value: await p95(`${base}/breakdown?by=service&top=10`, token, n), unit: 'ms', note: `${note}, by=service (rollup)` });
      figures.add(`showback.breakdown_vapp.p95_ms${suffix}`, { value: await p95(`${base}/breakdown?by=vapp&top=10`, token, n), unit: 'ms', note: `${note}, by=vapp this month (vApp rollup)` });
      figures.add(`showback.budget_check_ms${suffix}`, { value: await budgetCheckP95(base, token, Math.min(n, 50)), unit: 'ms', note: `p95 of POST budgets/check, 10 budgets (org, 5 services, 3 vApps), ${rows} rows, ${kind}` });
    } finally {
      await backend.close();
      await mock.close();
    }
  } finally {
    await drop();
  }
}

export async function benchShowback(figures: Figures, options: { quick: boolean }): Promise<void> {
  benchForecast(figures);
  await benchAnomalies(figures);
  await benchStore(figures, 'postgres', options.quick ? 100_000 : 1_000_000, options.quick ? 50 : 200);
  await benchStore(figures, 'pglite', options.quick ? 50_000 : 200_000, options.quick ? 50 : 200);
}
