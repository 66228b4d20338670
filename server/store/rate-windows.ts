import type { Queryable } from './db';

/** One key's count in the current window: the hits counted so far (this one included) and when the window ends. */
export interface RateHit {
  hits: number;
  resetAt: number;
}

/**
 * The rate limits' counter port (issue 13, item 4): a fixed window per key, counted atomically. Two drivers: the
 * store (every replica on one PostgreSQL counts into the same row) and memory (embedded PGlite is one process).
 */
export interface RateWindows {
  /** Counts one hit for each key in the window of windowMs that holds now; answers each key's count. */
  hit(keys: string[], windowMs: number): Promise<RateHit[]>;
  /** Takes back a hit counted by hit() (a call refused by another limit after counting). */
  undo(keys: string[], windowMs: number): Promise<void>;
}

const windowOf = (now: number, windowMs: number) => Math.floor(now / windowMs) * windowMs;

/** Counts in the store's rate_windows table: one INSERT … ON CONFLICT per call, whatever the number of keys. */
export class StoreRateWindows implements RateWindows {
  private lastPrune = 0;

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(keys: string[], windowMs: number): Promise<RateHit[]> {
    if (!keys.length) return [];
    const now = this.now();
    const start = windowOf(now, windowMs);
    // The window's length is part of the key: a minute's window and a second's never share a row.
    const { rows } = await this.db.query<{ key: string; hits: number }>(
      `INSERT INTO rate_windows (key, window_start, hits) SELECT k, $2, 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING key, hits`,
      [keys.map((k) => `${windowMs}:${k}`), start],
    );
    const byKey = new Map(rows.map((r) => [r.key, Number(r.hits)]));
    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      // Windows of up to an hour; anything older than that counts for nothing.
      await this.db.query('DELETE FROM rate_windows WHERE window_start < $1', [now - 3_600_000]);
    }
    return keys.map((k) => ({ hits: byKey.get(`${windowMs}:${k}`) ?? 1, resetAt: start + windowMs }));
  }

  async undo(keys: string[], windowMs: number): Promise<void> {
    if (!keys.length) return;
    await this.db.query('UPDATE rate_windows SET hits = hits - 1 WHERE key = ANY($1::text[]) AND window_start = $2 AND hits > 0', [
      keys.map((k) => `${windowMs}:${k}`),
      windowOf(this.now(), windowMs),
    ]);
  }
}

/** Counts in this process' memory: for embedded PGlite, where this process is the only replica. */
export class MemoryRateWindows implements RateWindows {
  private readonly windows = new Map<string, { start: number; hits: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  hit(keys: string[], windowMs: number): Promise<RateHit[]> {
    const start = windowOf(this.now(), windowMs);
    if (this.windows.size > 100_000) this.windows.clear();
    return Promise.resolve(
      keys.map((key) => {
        const id = `${windowMs}\0${key}`;
        const w = this.windows.get(id);
        const hits = w && w.start === start ? w.hits + 1 : 1;
        this.windows.set(id, { start, hits });
        return { hits, resetAt: start + windowMs };
      }),
    );
  }

  undo(keys: string[], windowMs: number): Promise<void> {
    const start = windowOf(this.now(), windowMs);
    for (const key of keys) {
      const w = this.windows.get(`${windowMs}\0${key}`);
      if (w && w.start === start && w.hits > 0) w.hits -= 1;
    }
    return Promise.resolve();
  }
}

/**
 * The store's count, and this replica's memory while the store cannot answer: a limit is a guard, not a reason to
 * refuse calls the backend can serve without the store (a warm function keeps answering while PostgreSQL restarts,
 * server/faults/postgres-restart.test.ts). While the store is down each replica counts its own share; said once
 * per outage in the log.
 */
export class StoreOrMemoryRateWindows implements RateWindows {
  private readonly memory: MemoryRateWindows;
  private degraded = false;

  constructor(
    private readonly store: RateWindows,
    private readonly warn: (err: Error, recovered: boolean) => void,
    now: () => number = Date.now,
  ) {
    this.memory = new MemoryRateWindows(now);
  }

  async hit(keys: string[], windowMs: number): Promise<RateHit[]> {
    try {
      const hits = await this.store.hit(keys, windowMs);
      this.recovered();
      return hits;
    } catch (err) {
      this.failed(err as Error);
      return this.memory.hit(keys, windowMs);
    }
  }

  async undo(keys: string[], windowMs: number): Promise<void> {
    try {
      await this.store.undo(keys, windowMs);
    } catch (err) {
      this.failed(err as Error);
      await this.memory.undo(keys, windowMs);
    }
  }

  private failed(err: Error): void {
    if (!this.degraded) this.warn(err, false);
    this.degraded = true;
  }

  private recovered(): void {
    if (this.degraded) this.warn(new Error('the store answers again'), true);
    this.degraded = false;
  }
}
