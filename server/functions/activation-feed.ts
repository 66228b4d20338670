import type { ActivationFeedFilter } from '../../contract/activations';
import type { Queryable } from '../store/db';
import { toRecord, type ActivationRecord, type ActivationRow } from './activations';

/** One activation of the feed and its cursor (the activation's place in the order activations were written). */
export interface FeedItem {
  cursor: string;
  record: ActivationRecord;
}

export interface FeedOptions {
  /** How often a waiting reader looks at the store again. */
  pollMs: number;
  /** Rows whose writing transaction started less than this ago are left for the next look (see migration 061). */
  settleMs: number;
  /** Rows looked at per read; more wait for the next read. */
  batch?: number;
}

/**
 * Live logs (issue 13, item 5): a function's activations after a cursor, oldest first, read from the store by every
 * replica alike (a call served by replica B reaches a reader on replica A). Polling the activations table by cursor
 * works on PGlite and PostgreSQL and needs no connection held per reader; `flush` writes this replica's own queued
 * records first, so its calls show without waiting for the batch timer.
 */
export class ActivationFeed {
  constructor(
    private readonly db: Queryable,
    private readonly flush: () => Promise<void>,
    private readonly options: FeedOptions,
  ) {}

  /** The cursor of the function's newest activation ("from now on"); "0" when it has none. */
  async latest(org: string, fn: string): Promise<string> {
    await this.flush();
    const { rows } = await this.db.query<{ seq: string | number | null }>('SELECT max(seq) AS seq FROM activations WHERE org = $1 AND function = $2', [org, fn]);
    return String(rows[0]?.seq ?? 0);
  }

  /** The settled activations after the cursor that pass the filter, and the cursor past every row looked at. */
  async read(org: string, fn: string, after: string, filter: ActivationFeedFilter): Promise<{ items: FeedItem[]; cursor: string }> {
    await this.flush();
    const { rows } = await this.db.query<ActivationRow & { seq: string | number }>(
      `SELECT * FROM activations WHERE org = $1 AND function = $2 AND seq > $3
         AND recorded_at <= now() - make_interval(secs => $4::double precision / 1000)
       ORDER BY seq LIMIT $5`,
      [org, fn, after, this.options.settleMs, this.options.batch ?? 200],
    );
    const items = rows.map((r) => ({ cursor: String(r.seq), record: toRecord(r) })).filter(({ record }) => passes(record, filter));
    return { items, cursor: rows.length ? String(rows[rows.length - 1].seq) : after };
  }

  /**
   * Reads until something passes the filter, waitMs has passed or the signal aborts; answers what it found (maybe
   * nothing) and the cursor to go on from.
   */
  async wait(org: string, fn: string, after: string, filter: ActivationFeedFilter, waitMs: number, signal?: AbortSignal) {
    let cursor = after;
    let waited = 0;
    for (;;) {
      const page = await this.read(org, fn, cursor, filter);
      cursor = page.cursor;
      if (page.items.length || waited >= waitMs || signal?.aborted) return { items: page.items, cursor };
      const step = Math.min(this.options.pollMs, waitMs - waited);
      await sleep(step, signal);
      waited += step;
    }
  }
}

function passes(r: ActivationRecord, f: ActivationFeedFilter): boolean {
  return (!f.status || r.status === f.status) && (!f.version || r.version === f.version) && (!f.trigger || r.trigger === f.trigger);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
