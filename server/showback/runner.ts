import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Run, Source } from '../../contract/showback';
import { Invalid } from '../errors';
import type { Db } from '../store/db';
import type { OrgReadCache } from '../store/read-cache';
import type { BillingSource, Range } from './ports';
import { toRun, type SourceRow, type SourceStore } from './sources';
import { writeCosts } from './store';

export interface RunnerOptions {
  db: Db;
  sources: SourceStore;
  drivers: Partial<Record<Source['kind'], BillingSource>>;
  log: Logger;
  /** Retries of a failed run (after the first attempt), with exponential backoff from retryBaseMs. */
  maxRetries?: number;
  retryBaseMs?: number;
  /** Called after a run that stored its records (the budget check); its failure is logged, the run stays good. */
  afterRun?: (org: string) => Promise<unknown>;
  /** The org's kept reads: a run (its costs, the source's stale mark) writes through it. */
  cache?: OrgReadCache;
}

/** Runs a source: collect with its driver, store the costs, journal the run; a failed run is retried with backoff. */
export class SourceRunner {
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: RunnerOptions) {}

  /** Keeps a run in flight known, so close() waits for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  /** No new retries; pending ones are dropped; waits for the runs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    await Promise.allSettled([...this.running]);
  }

  /** One attempt now; when it fails, retries in the background with backoff. Answers with the first attempt. */
  async runWithRetry(org: string, id: string, range: Range, trigger: Run['trigger'], attempt = 1): Promise<Run> {
    const once = () => this.runOnce(org, id, range, attempt === 1 ? trigger : 'retry', attempt);
    const run = await (this.options.cache ? this.options.cache.write(org, once) : once());
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
    const { sources, log } = this.options;
    const row = await sources.get(org, id);
    const runId = randomUUID();
    const started = Date.now();
    await sources.startRun({ id: runId, org, sourceId: id, trigger, from: range.from, to: range.to, attempt });
    const counts = { read: 0, written: 0 };
    let error: string | null = null;
    try {
      await this.collectAndStore(org, row, range, counts);
    } catch (err) {
      error = err instanceof Invalid ? `${err.message}` : (err as Error).message || String(err);
      log.warn({ org, source: id, attempt, err: error }, 'showback source run failed');
    }
    const end = { durationMs: Date.now() - started, ...counts, error };
    const run = toRun(await sources.finishRun(org, runId, id, new Date(started), end));
    if (!error && this.options.afterRun) {
      await this.options.afterRun(org).catch((err: Error) => log.warn({ org, source: id, err: err.message }, 'showback check after the run failed'));
    }
    return run;
  }

  /** Records of another org are never stored; a queue's records are acked only once stored. Counts as it goes. */
  private async collectAndStore(org: string, row: SourceRow, range: Range, counts: { read: number; written: number }): Promise<void> {
    const driver = this.options.drivers[row.kind];
    if (!driver) throw new Error(`no collector for kind "${row.kind}"`);
    const collected = await driver.collect(row, range);
    const { records, settle } = Array.isArray(collected) ? { records: collected, settle: undefined } : collected;
    counts.read = records.length;
    try {
      counts.written = await writeCosts(this.options.db, records.filter((r) => r.org === org));
    } catch (err) {
      await settle?.(false).catch(() => undefined);
      throw err;
    }
    await settle?.(true);
  }
}
