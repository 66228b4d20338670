import { randomUUID } from 'node:crypto';
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
import { Conflict, Invalid, parseOrThrow } from '../errors';
import type { Db } from '../store/db';
import { isUniqueViolation } from '../store/db';
import type { OrgReadCache } from '../store/read-cache';
import type { BillingSource, Range } from './ports';
import { SourceRunner } from './runner';
import { checkSchedule, SourceScheduler } from './scheduler';
import { iso, isoOrNull, SourceStore, toRun, type SourceRow } from './sources';

const DAY_MS = 86_400_000;
const MASK = '***';

/** Write-only values never leave the backend. */
function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  const auth = config.authHeader as { name: string; value: string } | undefined;
  return auth ? { ...config, authHeader: { name: auth.name, value: MASK } } : config;
}

/** A unique violation on insert or update means the name is taken (409 naming `name`). */
function nameTaken(err: unknown, name: string | undefined): unknown {
  return isUniqueViolation(err) ? new Conflict(`a source named "${name}" exists`, [{ path: 'name', message: 'is taken' }]) : err;
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
  /** After each successful run (the budget check, wired in server/compose/showback.ts). */
  afterRun?: (org: string) => Promise<unknown>;
  /** The org's kept reads (the summary names stale sources and sums costs): sources and runs write through it. */
  cache?: OrgReadCache;
}

/**
 * The service of an org's billing sources: config (validated here), schedules (scheduler.ts), runs with retry and
 * backoff (runner.ts), and the stale mark; the SQL is in sources.ts.
 */
export class Collector {
  private readonly sources: SourceStore;
  private readonly scheduler = new SourceScheduler();
  private readonly runner: SourceRunner;

  constructor(private readonly options: CollectorOptions) {
    this.sources = new SourceStore(options.db);
    const { db, drivers, log, maxRetries, retryBaseMs, afterRun, cache } = options;
    this.runner = new SourceRunner({ db, sources: this.sources, drivers, log, maxRetries, retryBaseMs, afterRun, cache });
  }

  private writing<T>(org: string, work: () => Promise<T>): Promise<T> {
    return this.options.cache ? this.options.cache.write(org, work) : work();
  }

  private get now() {
    return this.options.now?.() ?? new Date();
  }

  /** Schedules every enabled source (at start), after marking runs that died with their process as failed. */
  async start(): Promise<void> {
    await this.sources.failInterrupted();
    for (const r of await this.sources.enabled()) this.schedule(r);
  }

  async close(): Promise<void> {
    this.scheduler.close();
    await this.runner.close();
  }

  private schedule(row: SourceRow): void {
    const active = row.enabled && !!this.options.drivers[row.kind];
    this.scheduler.set(row.id, row.schedule, active, async () => {
      await this.runner.track(this.runner.runWithRetry(row.org, row.id, this.defaultRange(), 'schedule').catch(() => undefined));
    });
  }

  private defaultRange(): Range {
    const today = Math.floor(this.now.getTime() / DAY_MS) * DAY_MS;
    return { from: new Date(today - (this.options.lookbackDays ?? 2) * DAY_MS), to: new Date(today + DAY_MS) };
  }

  private async view(r: SourceRow): Promise<Source> {
    const last = await this.sources.latestRun(r.org, r.id);
    const next = this.scheduler.nextRun(r.id);
    return {
      id: r.id,
      org: r.org,
      kind: r.kind,
      name: r.name,
      schedule: r.schedule,
      enabled: r.enabled,
      config: maskConfig(r.config),
      nextRunAt: next ? next.toISOString() : null,
      lastRun: last ? toRun(last) : null,
      staleSince: isoOrNull(r.stale_since),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    };
  }

  async list(org: string): Promise<{ items: Source[]; total: number }> {
    const items = await Promise.all((await this.sources.list(org)).map((r) => this.view(r)));
    return { items, total: items.length };
  }

  async get(org: string, id: string): Promise<Source> {
    return this.view(await this.sources.get(org, id));
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
    const row = await this.writing(org, () => this.sources.insert(randomUUID(), org, input.kind, input)).catch((err: unknown) => {
      throw nameTaken(err, input.name);
    });
    this.schedule(row);
    return this.view(row);
  }

  /** The stored config with the patch on top; fields left out keep their value (the UI need not resend the write-only auth header). */
  private mergeConfig(row: SourceRow, patch: Record<string, unknown>): Record<string, unknown> {
    const merged = { ...row.config, ...patch };
    const auth = merged.authHeader as { name?: string; value?: string } | undefined;
    const old = row.config.authHeader as { value?: string } | undefined;
    if (auth && auth.value === MASK && old?.value) merged.authHeader = { ...auth, value: old.value };
    const config =
      row.kind === 'http'
        ? parseOrThrow(HttpSourceConfigSchema, merged, 'invalid source config', ['config'])
        : row.kind === 'metered'
          ? parseOrThrow(MeteredSourceConfigSchema, merged, 'invalid source config', ['config'])
          : {};
    this.options.drivers[row.kind]?.check?.({ config });
    return config;
  }

  async update(org: string, id: string, body: unknown): Promise<Source> {
    const patch = parseOrThrow(UpdateSourceSchema, body, 'invalid source');
    const row = await this.sources.get(org, id);
    if (patch.schedule !== undefined) checkSchedule(patch.schedule);
    const config = patch.config ? this.mergeConfig(row, patch.config) : row.config;
    const fields = { name: patch.name ?? row.name, schedule: patch.schedule ?? row.schedule, enabled: patch.enabled ?? row.enabled, config };
    const updated = await this.writing(org, () => this.sources.update(org, id, fields)).catch((err: unknown) => {
      throw nameTaken(err, patch.name);
    });
    this.schedule(updated);
    return this.view(updated);
  }

  /** Removes the source and its runs; the costs it collected stay (they were real). */
  async delete(org: string, id: string): Promise<void> {
    const row = await this.sources.get(org, id);
    this.scheduler.remove(id);
    await this.writing(org, () => this.sources.delete(org, id));
    await this.options.drivers[row.kind]?.forget?.(row).catch((err: Error) => {
      this.options.log.warn({ org, source: id, err: err.message }, 'showback source deleted, its driver state stays');
    });
  }

  async runs(org: string, id: string, limit = 50): Promise<{ items: Run[]; total: number }> {
    await this.sources.get(org, id);
    const { rows, total } = await this.sources.runs(org, id, limit);
    return { items: rows.map(toRun), total };
  }

  /** "Run now" (the default range) or a backfill of whole days from..to; answers with the first attempt's run. */
  async runNow(org: string, id: string, body: unknown): Promise<Run> {
    const input = parseOrThrow(RunSourceSchema, body ?? {}, 'invalid run');
    await this.sources.get(org, id);
    if (!input.from && !input.to) return this.runner.track(this.runner.runWithRetry(org, id, this.defaultRange(), 'manual'));
    if (!input.from || !input.to) throw new Invalid('a backfill needs both from and to', [{ path: input.from ? 'to' : 'from', message: 'is required with the other' }]);
    const from = new Date(`${input.from}T00:00:00Z`);
    const to = new Date(Date.parse(`${input.to}T00:00:00Z`) + DAY_MS);
    if (to <= from) throw new Invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]);
    if (to.getTime() - from.getTime() > 400 * DAY_MS) throw new Invalid('a backfill covers at most 400 days', [{ path: 'from', message: 'at most 400 days before to' }]);
    return this.runner.track(this.runner.runWithRetry(org, id, { from, to }, 'backfill'));
  }

  /** Fetches without storing: checks the connection and the field mapping. */
  async test(org: string, id: string): Promise<SourceTestResult> {
    const row = await this.sources.get(org, id);
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
}
