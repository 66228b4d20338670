import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import {
  CreateSourceSchema,
  HttpSourceConfigSchema,
  MeteredSourceConfigSchema,
  RunSourceSchema,
  UpdateSourceSchema,
  type Run,
  type Source,
  type SourceTestResult,
} from '../../contract/showback';
import { Conflict, Invalid, NotFound, parseOrThrow } from '../errors';
import type { Db } from '../store/db';
import { isUniqueViolation } from '../store/db';
import type { BillingSource, Range } from './ports';
import { writeCosts } from './store';

const DAY_MS = 86_400_000;
const MASK = '***';

interface SourceRow {
  id: string;
  org: string;
  kind: Source['kind'];
  name: string;
  schedule: string;
  enabled: boolean;
  config: Record<string, unknown>;
  stale_since: Date | string | null;
  stale_error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface RunRow {
  id: string;
  source_id: string;
  trigger: Run['trigger'];
  status: Run['status'];
  from_ts: Date | string;
  to_ts: Date | string;
  started_at: Date | string;
  finished_at: Date | string | null;
  duration_ms: number | null;
  rows_read: number;
  rows_written: number;
  attempt: number;
  error: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const isoOrNull = (v: Date | string | null) => (v === null ? null : iso(v));

const toRun = (r: RunRow): Run => ({
  id: r.id,
  sourceId: r.source_id,
  trigger: r.trigger,
  status: r.status,
  from: iso(r.from_ts),
  to: iso(r.to_ts),
  startedAt: iso(r.started_at),
  finishedAt: isoOrNull(r.finished_at),
  durationMs: r.duration_ms,
  rowsRead: r.rows_read,
  rowsWritten: r.rows_written,
  attempt: r.attempt,
  error: r.error,
});

/** Write-only values never leave the backend. */
function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  const auth = config.authHeader as { name: string; value: string } | undefined;
  return auth ? { ...config, authHeader: { name: auth.name, value: MASK } } : config;
}

function checkSchedule(schedule: string): void {
  try {
    new Cron(schedule, { paused: true, timezone: 'UTC' }).stop();
  } catch (err) {
    throw new Invalid(`invalid schedule: ${(err as Error).message}`, [{ path: 'schedule', message: `not a cron expression: ${(err as Error).message}` }]);
  }
}

export interface CollectorOptions {
  db: Db;
  /** kind → driver; a kind without a driver cannot be configured. */
  drivers: Partial<Record<Source['kind'], BillingSource>>;
  log: Logger;
  /** Retries of a failed run (after the first attempt), with exponential backoff from retryBaseMs. */
  maxRetries?: number;
  retryBaseMs?: number;
  /** Days before today a scheduled run re-collects (late data); default 2. */
  lookbackDays?: number;
  now?: () => Date;
}

/** Billing sources of an org: config, schedules (croner), runs with retry and backoff, and the stale mark. */
export class Collector {
  private readonly jobs = new Map<string, Cron>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: CollectorOptions) {}

  private get now() {
    return this.options.now?.() ?? new Date();
  }

  /** Schedules every enabled source (at start). */
  async start(): Promise<void> {
    // A run still "running" long after it started died with its process; its writes were one transaction each,
    // so running the source again stores nothing twice.
    await this.options.db.query(
      `UPDATE showback_runs SET status = 'failed', finished_at = now(), error = 'interrupted: the backend stopped during the run'
        WHERE status = 'running' AND started_at < now() - interval '15 minutes'`,
    );
    const { rows } = await this.options.db.query<SourceRow>('SELECT * FROM showback_sources WHERE enabled');
    for (const r of rows) this.schedule(r);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    await Promise.allSettled([...this.running]);
  }

  private schedule(row: SourceRow): void {
    this.jobs.get(row.id)?.stop();
    this.jobs.delete(row.id);
    if (!row.enabled || this.closed || !this.options.drivers[row.kind]) return;
    const job = new Cron(row.schedule, { timezone: 'UTC', protect: true }, async () => {
      await this.track(this.runWithRetry(row.org, row.id, this.defaultRange(), 'schedule').catch(() => undefined));
    });
    this.jobs.set(row.id, job);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  private defaultRange(): Range {
    const today = Math.floor(this.now.getTime() / DAY_MS) * DAY_MS;
    return { from: new Date(today - (this.options.lookbackDays ?? 2) * DAY_MS), to: new Date(today + DAY_MS) };
  }

  private async row(org: string, id: string): Promise<SourceRow> {
    const { rows } = await this.options.db.query<SourceRow>('SELECT * FROM showback_sources WHERE org = $1 AND id = $2', [org, id]);
    if (!rows[0]) throw new NotFound(`source "${id}" does not exist in this organization`);
    return rows[0];
  }

  private async view(r: SourceRow): Promise<Source> {
    const { rows } = await this.options.db.query<RunRow>(
      'SELECT * FROM showback_runs WHERE org = $1 AND source_id = $2 ORDER BY started_at DESC, id LIMIT 1',
      [r.org, r.id],
    );
    const next = this.jobs.get(r.id)?.nextRun();
    return {
      id: r.id,
      org: r.org,
      kind: r.kind,
      name: r.name,
      schedule: r.schedule,
      enabled: r.enabled,
      config: maskConfig(r.config),
      nextRunAt: next ? next.toISOString() : null,
      lastRun: rows[0] ? toRun(rows[0]) : null,
      staleSince: isoOrNull(r.stale_since),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    };
  }

  async list(org: string): Promise<{ items: Source[]; total: number }> {
    const { rows } = await this.options.db.query<SourceRow>('SELECT * FROM showback_sources WHERE org = $1 ORDER BY name', [org]);
    const items = await Promise.all(rows.map((r) => this.view(r)));
    return { items, total: items.length };
  }

  async get(org: string, id: string): Promise<Source> {
    return this.view(await this.row(org, id));
  }

  private checkKind(kind: Source['kind']): void {
    if (!this.options.drivers[kind]) {
      throw new Invalid(`no collector for sources of kind "${kind}" on this backend`, [{ path: 'kind', message: `kind "${kind}" is not available here` }]);
    }
  }

  async create(org: string, body: unknown): Promise<Source> {
    const input = parseOrThrow(CreateSourceSchema, body, 'invalid source');
    this.checkKind(input.kind);
    checkSchedule(input.schedule);
    this.options.drivers[input.kind]?.check?.(input);
    const id = randomUUID();
    try {
      const { rows } = await this.options.db.query<SourceRow>(
        `INSERT INTO showback_sources (id, org, kind, name, schedule, enabled, config) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [id, org, input.kind, input.name, input.schedule, input.enabled, JSON.stringify(input.config)],
      );
      this.schedule(rows[0]);
      return this.view(rows[0]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a source named "${input.name}" exists`, [{ path: 'name', message: 'is taken' }]);
      throw err;
    }
  }

  async update(org: string, id: string, body: unknown): Promise<Source> {
    const patch = parseOrThrow(UpdateSourceSchema, body, 'invalid source');
    const row = await this.row(org, id);
    if (patch.schedule !== undefined) checkSchedule(patch.schedule);
    let config = row.config;
    if (patch.config) {
      // Fields left out keep their value (the UI need not resend the write-only auth header).
      const merged = { ...row.config, ...patch.config };
      const auth = merged.authHeader as { name?: string; value?: string } | undefined;
      const old = row.config.authHeader as { value?: string } | undefined;
      if (auth && auth.value === MASK && old?.value) merged.authHeader = { ...auth, value: old.value };
      config =
        row.kind === 'http'
          ? parseOrThrow(HttpSourceConfigSchema, merged, 'invalid source config', ['config'])
          : row.kind === 'metered'
            ? parseOrThrow(MeteredSourceConfigSchema, merged, 'invalid source config', ['config'])
            : {};
      this.options.drivers[row.kind]?.check?.({ config });
    }
    try {
      const { rows } = await this.options.db.query<SourceRow>(
        `UPDATE showback_sources SET name = $3, schedule = $4, enabled = $5, config = $6, updated_at = now()
          WHERE org = $1 AND id = $2 RETURNING *`,
        [org, id, patch.name ?? row.name, patch.schedule ?? row.schedule, patch.enabled ?? row.enabled, JSON.stringify(config)],
      );
      this.schedule(rows[0]);
      return this.view(rows[0]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a source named "${patch.name}" exists`, [{ path: 'name', message: 'is taken' }]);
      throw err;
    }
  }

  /** Removes the source and its runs; the costs it collected stay (they were real). */
  async delete(org: string, id: string): Promise<void> {
    const row = await this.row(org, id);
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
    await this.options.db.query('DELETE FROM showback_sources WHERE org = $1 AND id = $2', [org, id]);
    await this.options.drivers[row.kind]?.forget?.(row).catch((err: Error) => {
      this.options.log.warn({ org, source: id, err: err.message }, 'showback source deleted, its driver state stays');
    });
  }

  async runs(org: string, id: string, limit = 50): Promise<{ items: Run[]; total: number }> {
    await this.row(org, id);
    const { rows } = await this.options.db.query<RunRow>(
      'SELECT * FROM showback_runs WHERE org = $1 AND source_id = $2 ORDER BY started_at DESC, id LIMIT $3',
      [org, id, limit],
    );
    const { rows: count } = await this.options.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM showback_runs WHERE org = $1 AND source_id = $2', [org, id]);
    return { items: rows.map(toRun), total: Number(count[0].n) };
  }

  /** "Run now" (the default range) or a backfill of whole days from..to; answers with the first attempt's run. */
  async runNow(org: string, id: string, body: unknown): Promise<Run> {
    const input = parseOrThrow(RunSourceSchema, body ?? {}, 'invalid run');
    await this.row(org, id);
    let range = this.defaultRange();
    let trigger: Run['trigger'] = 'manual';
    if (input.from || input.to) {
      if (!input.from || !input.to) throw new Invalid('a backfill needs both from and to', [{ path: input.from ? 'to' : 'from', message: 'is required with the other' }]);
      const from = new Date(`${input.from}T00:00:00Z`);
      const to = new Date(Date.parse(`${input.to}T00:00:00Z`) + DAY_MS);
      if (to <= from) throw new Invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]);
      if (to.getTime() - from.getTime() > 400 * DAY_MS) throw new Invalid('a backfill covers at most 400 days', [{ path: 'from', message: 'at most 400 days before to' }]);
      range = { from, to };
      trigger = 'backfill';
    }
    return this.track(this.runWithRetry(org, id, range, trigger));
  }

  /** Fetches without storing: checks the connection and the field mapping. */
  async test(org: string, id: string): Promise<SourceTestResult> {
    const row = await this.row(org, id);
    const driver = this.options.drivers[row.kind];
    driver?.check?.(row);
    const started = Date.now();
    try {
      if (!driver) throw new Error(`no collector for kind "${row.kind}"`);
      const collected = await driver.collect(row, this.defaultRange());
      const records = Array.isArray(collected) ? collected : collected.records;
      // A test only looks: queued events go back to the queue.
      if (!Array.isArray(collected)) await collected.settle?.(false);
      return {
        ok: true,
        rowsRead: records.length,
        durationMs: Date.now() - started,
        error: null,
        sample: records.slice(0, 5).map((r) => ({ ...r, periodStart: r.periodStart.toISOString(), periodEnd: r.periodEnd.toISOString() })),
      };
    } catch (err) {
      return { ok: false, rowsRead: 0, durationMs: Date.now() - started, error: (err as Error).message, sample: [] };
    }
  }

  /** One attempt now; when it fails, retries in the background with backoff. Answers with the first attempt. */
  private async runWithRetry(org: string, id: string, range: Range, trigger: Run['trigger'], attempt = 1): Promise<Run> {
    const run = await this.runOnce(org, id, range, attempt === 1 ? trigger : 'retry', attempt);
    const maxRetries = this.options.maxRetries ?? 3;
    if (run.status === 'failed' && attempt <= maxRetries && !this.closed) {
      const delay = (this.options.retryBaseMs ?? 30_000) * 2 ** (attempt - 1);
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.track(this.runWithRetry(org, id, range, trigger, attempt + 1).catch(() => undefined));
      }, delay);
      timer.unref();
      this.retries.add(timer);
    }
    return run;
  }

  private async runOnce(org: string, id: string, range: Range, trigger: Run['trigger'], attempt: number): Promise<Run> {
    const { db, log } = this.options;
    const row = await this.row(org, id);
    const runId = randomUUID();
    const started = Date.now();
    await db.query(
      `INSERT INTO showback_runs (id, org, source_id, trigger, status, from_ts, to_ts, attempt) VALUES ($1, $2, $3, $4, 'running', $5, $6, $7)`,
      [runId, org, id, trigger, range.from.toISOString(), range.to.toISOString(), attempt],
    );
    let read = 0;
    let written = 0;
    let error: string | null = null;
    try {
      const driver = this.options.drivers[row.kind];
      if (!driver) throw new Error(`no collector for kind "${row.kind}"`);
      const collected = await driver.collect(row, range);
      const { records, settle } = Array.isArray(collected) ? { records: collected, settle: undefined } : collected;
      read = records.length;
      try {
        written = await writeCosts(db, records.filter((r) => r.org === org));
      } catch (err) {
        await settle?.(false).catch(() => undefined);
        throw err;
      }
      await settle?.(true);
    } catch (err) {
      error = err instanceof Invalid ? `${err.message}` : (err as Error).message || String(err);
      log.warn({ org, source: id, attempt, err: error }, 'showback source run failed');
    }
    const { rows } = await db.query<RunRow>(
      `UPDATE showback_runs SET status = $3, finished_at = now(), duration_ms = $4, rows_read = $5, rows_written = $6, error = $7
        WHERE org = $1 AND id = $2 RETURNING *`,
      [org, runId, error ? 'failed' : 'succeeded', Date.now() - started, read, written, error],
    );
    if (error) {
      await db.query(
        'UPDATE showback_sources SET stale_since = COALESCE(stale_since, $3), stale_error = $4 WHERE org = $1 AND id = $2',
        [org, id, new Date(started).toISOString(), error],
      );
    } else {
      await db.query('UPDATE showback_sources SET stale_since = NULL, stale_error = NULL WHERE org = $1 AND id = $2', [org, id]);
    }
    return toRun(rows[0]);
  }
}
