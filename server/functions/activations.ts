import type { Logger } from 'pino';
import {
  MAX_ACTIVATION_LOG_BYTES,
  type ActivationFilter,
  type ActivationStatus,
  type ActivationTrigger,
  type ActivationView,
} from '../../contract/functions';
import type { Db, Queryable } from '../store/db';

/** An activation as stored: the contract's view with its org, and its start as a Date. */
export type ActivationRecord = Omit<ActivationView, 'start'> & { org: string; start: Date };

export interface ActivationRetention {
  /** Records kept per function (the newest). */
  maxPerFunction: number;
  /** Records older than this are dropped. */
  maxAgeMs: number;
}

/** Caps logs at MAX_ACTIVATION_LOG_BYTES (UTF-8), ending with a line that says they were truncated. */
export function capLogs(lines: string[], maxBytes = MAX_ACTIVATION_LOG_BYTES): { logs: string[]; truncated: boolean } {
  const marker = `… logs truncated at ${Math.round(maxBytes / 1024)} KB`;
  const budget = maxBytes - Buffer.byteLength(marker, 'utf8') - 1;
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const size = Buffer.byteLength(lines[i], 'utf8') + 1;
    if (used + size > budget) {
      const room = Math.max(0, budget - used);
      const cut = Buffer.from(lines[i], 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
      return { logs: [...lines.slice(0, i), ...(cut ? [cut] : []), marker], truncated: true };
    }
    used += size;
  }
  return { logs: lines, truncated: false };
}

export function toActivationView(r: ActivationRecord): ActivationView {
  return {
    id: r.id,
    function: r.function,
    version: r.version,
    trigger: r.trigger,
    start: r.start.toISOString(),
    durationMs: r.durationMs,
    status: r.status,
    cold: r.cold,
    memoryMb: r.memoryMb,
    statusCode: r.statusCode,
    logs: r.logs,
    logsTruncated: r.logsTruncated,
    droppedHeaders: r.droppedHeaders,
    ...(r.alias ? { alias: r.alias } : {}),
    ...(r.attempt ? { attempt: r.attempt } : {}),
    ...(r.tick ? { tick: r.tick } : {}),
  };
}

export interface ActivationRow {
  id: string;
  org: string;
  function: string;
  version: number;
  trigger: ActivationTrigger;
  start: Date | string;
  duration_ms: number | string;
  status: ActivationStatus;
  cold: boolean;
  memory_mb: number;
  status_code: number;
  logs: string[] | string;
  logs_truncated: boolean;
  dropped_headers: string[] | string | null;
  attempt?: number | null;
  tick?: Date | string | null;
  alias?: string | null;
}

export const toRecord = (r: ActivationRow): ActivationRecord => ({
  id: r.id,
  org: r.org,
  function: r.function,
  version: r.version,
  trigger: r.trigger,
  start: new Date(r.start),
  durationMs: Number(r.duration_ms),
  status: r.status,
  cold: r.cold,
  memoryMb: r.memory_mb,
  statusCode: r.status_code,
  logs: typeof r.logs === 'string' ? (JSON.parse(r.logs) as string[]) : r.logs,
  logsTruncated: r.logs_truncated,
  droppedHeaders: typeof r.dropped_headers === 'string' ? (JSON.parse(r.dropped_headers) as string[]) : (r.dropped_headers ?? []),
  ...(r.alias ? { alias: r.alias } : {}),
  ...(r.attempt ? { attempt: r.attempt } : {}),
  ...(r.tick ? { tick: new Date(r.tick).toISOString() } : {}),
});

/** Writes activation records with one statement (one JSON parameter for the batch), in the given transaction or not. */
export async function insertActivations(q: Queryable, batch: ActivationRecord[]): Promise<void> {
  // One JSON parameter for the whole batch: binding 15 parameters per row costs PGlite far more.
  const rows = batch.map((r) => ({
    id: r.id,
    org: r.org,
    function: r.function,
    version: r.version,
    trigger: r.trigger,
    start: r.start.toISOString(),
    duration_ms: r.durationMs,
    status: r.status,
    cold: r.cold,
    memory_mb: r.memoryMb,
    status_code: r.statusCode,
    logs: r.logs,
    logs_truncated: r.logsTruncated,
    dropped_headers: r.droppedHeaders,
    attempt: r.attempt ?? null,
    tick: r.tick ?? null,
    alias: r.alias ?? null,
  }));
  await q.query(
    `INSERT INTO activations (id, org, function, version, trigger, start, duration_ms, status, cold, memory_mb, status_code, logs, logs_truncated, dropped_headers, attempt, tick, alias)
     SELECT id, org, function, version, trigger, start, duration_ms, status, cold, memory_mb, status_code, logs, logs_truncated, dropped_headers, attempt, tick, alias
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, org text, function text, version integer, trigger text, start timestamptz,
       duration_ms double precision, status text, cold boolean, memory_mb integer, status_code integer, logs jsonb, logs_truncated boolean,
       dropped_headers jsonb, attempt integer, tick timestamptz, alias text)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/**
 * Activation records: calls enqueue them (no store round trip on the invoke path); a background flush writes
 * them in batches of multi-row INSERTs and then prunes the functions it touched to their newest maxPerFunction;
 * records older than maxAgeMs go on a slower sweep. Reads flush first, so a replica reads its own calls.
 */
export class ActivationStore {
  private queue: ActivationRecord[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  /** Records written per function since it was last pruned by count. */
  private readonly sincePrune = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly retention: ActivationRetention,
    private readonly log: Logger,
    private readonly options: { flushMs?: number; batchSize?: number; sweepMs?: number } = {},
  ) {
    this.sweeper = setInterval(() => void this.pruneOld(), options.sweepMs ?? 60_000);
    this.sweeper.unref();
  }

  /** Queues a record; never waits for the store. */
  record(r: ActivationRecord): void {
    if (this.closed) return;
    this.queue.push(r);
    if (this.queue.length >= (this.options.batchSize ?? 200)) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs ?? 200);
      this.timer.unref();
    }
  }

  /** Writes what is queued (and prunes); resolves when done. Failures are logged, never thrown. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearInterval(this.sweeper);
  }

  async list(org: string, fn: string, f: ActivationFilter): Promise<{ items: ActivationRecord[]; total: number }> {
    await this.flush();
    const where = ['org = $1', 'function = $2'];
    const params: unknown[] = [org, fn];
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.since) where.push(`start >= $${params.push(f.since)}`);
    if (f.until) where.push(`start < $${params.push(f.until)}`);
    const cond = where.join(' AND ');
    const [items, count] = await Promise.all([
      this.db.query<ActivationRow>(
        `SELECT * FROM activations WHERE ${cond} ORDER BY start DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, f.limit, f.offset],
      ),
      this.db.query<{ total: number | string }>(`SELECT count(*)::int AS total FROM activations WHERE ${cond}`, params),
    ]);
    return { items: items.rows.map(toRecord), total: Number(count.rows[0]?.total ?? 0) };
  }

  async get(org: string, id: string): Promise<ActivationRecord | undefined> {
    await this.flush();
    const { rows } = await this.db.query<ActivationRow>('SELECT * FROM activations WHERE org = $1 AND id = $2', [org, id]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Drops a deleted function's records. */
  async forget(org: string, fn: string): Promise<void> {
    await this.flush();
    await this.db.query('DELETE FROM activations WHERE org = $1 AND function = $2', [org, fn]);
  }

  private async write(batch: ActivationRecord[]): Promise<void> {
    try {
      await insertActivations(this.db, batch);
      await this.pruneCounts(batch);
    } catch (err) {
      this.log.warn({ err, dropped: batch.length }, 'activation records could not be written');
    }
  }

  /**
   * Keeps the newest maxPerFunction records of the functions in the batch. A function is looked at again once a
   * tenth of its maximum was written since (at least one record): the count may overshoot by that much meanwhile,
   * and the store is not asked on every flush. Both queries walk the (org, function, start) index.
   */
  private async pruneCounts(batch: ActivationRecord[]): Promise<void> {
    const max = this.retention.maxPerFunction;
    const step = Math.max(1, Math.floor(max / 10));
    const inBatch = new Map<string, { org: string; fn: string; n: number }>();
    for (const r of batch) {
      const key = `${r.org}\0${r.function}`;
      const entry = inBatch.get(key) ?? { org: r.org, fn: r.function, n: 0 };
      entry.n++;
      inBatch.set(key, entry);
    }
    const due: Array<[string, string]> = [];
    for (const [key, { org, fn, n }] of inBatch) {
      // A function not seen since this replica started is looked at once at its first flush.
      const since = (this.sincePrune.get(key) ?? Infinity) + n;
      if (since >= step) due.push([org, fn]);
      else this.sincePrune.set(key, since);
    }
    for (const [org, fn] of due) {
      this.sincePrune.set(`${org}\0${fn}`, 0);
      const { rows } = await this.db.query<{ start: Date | string; id: string }>(
        'SELECT start, id FROM activations WHERE org = $1 AND function = $2 ORDER BY start DESC, id OFFSET $3 LIMIT 1',
        [org, fn, max],
      );
      if (!rows[0]) continue;
      await this.db.query('DELETE FROM activations WHERE org = $1 AND function = $2 AND (start < $3 OR (start = $3 AND id >= $4))', [
        org,
        fn,
        new Date(rows[0].start).toISOString(),
        rows[0].id,
      ]);
    }
    if (this.sincePrune.size > 100_000) this.sincePrune.clear();
  }

  async pruneOld(): Promise<void> {
    try {
      await this.db.query('DELETE FROM activations WHERE start < $1', [new Date(Date.now() - this.retention.maxAgeMs).toISOString()]);
    } catch (err) {
      this.log.warn({ err }, 'old activation records could not be pruned');
    }
  }
}
