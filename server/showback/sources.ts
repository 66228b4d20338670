import type { Run, Source } from '../../contract/showback';
import { NotFound } from '../errors';
import type { Queryable } from '../store/db';

/** The SQL of billing sources and their runs (showback_sources, showback_runs); every statement names the org. */

export interface SourceRow {
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

export interface RunRow {
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

export const iso = (v: Date | string) => new Date(v).toISOString();
export const isoOrNull = (v: Date | string | null) => (v === null ? null : iso(v));

export const toRun = (r: RunRow): Run => ({
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

export interface SourceFields {
  name: string;
  schedule: string;
  enabled: boolean;
  config: Record<string, unknown>;
}

export interface RunStart {
  id: string;
  org: string;
  sourceId: string;
  trigger: Run['trigger'];
  from: Date;
  to: Date;
  attempt: number;
}

export interface RunEnd {
  durationMs: number;
  read: number;
  written: number;
  error: string | null;
}

export class SourceStore {
  constructor(private readonly db: Queryable) {}

  /**
   * A run still "running" long after it started died with its process; its writes were one transaction each, so
   * running the source again stores nothing twice.
   */
  async failInterrupted(): Promise<void> {
    await this.db.query(
      `UPDATE showback_runs SET status = 'failed', finished_at = now(), error = 'interrupted: the backend stopped during the run'
        WHERE status = 'running' AND started_at < now() - interval '15 minutes'`,
    );
  }

  async enabled(): Promise<SourceRow[]> {
    return (await this.db.query<SourceRow>('SELECT * FROM showback_sources WHERE enabled')).rows;
  }

  /** The org's source, or NotFound (404) naming it. */
  async get(org: string, id: string): Promise<SourceRow> {
    const { rows } = await this.db.query<SourceRow>('SELECT * FROM showback_sources WHERE org = $1 AND id = $2', [org, id]);
    if (!rows[0]) throw new NotFound(`source "${id}" does not exist in this organization`);
    return rows[0];
  }

  async list(org: string): Promise<SourceRow[]> {
    return (await this.db.query<SourceRow>('SELECT * FROM showback_sources WHERE org = $1 ORDER BY name', [org])).rows;
  }

  /** Throws the store's unique violation when the org has a source of that name. */
  async insert(id: string, org: string, kind: Source['kind'], f: SourceFields): Promise<SourceRow> {
    const { rows } = await this.db.query<SourceRow>(
      `INSERT INTO showback_sources (id, org, kind, name, schedule, enabled, config) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [id, org, kind, f.name, f.schedule, f.enabled, JSON.stringify(f.config)],
    );
    return rows[0];
  }

  /** Throws the store's unique violation when the new name is taken. */
  async update(org: string, id: string, f: SourceFields): Promise<SourceRow> {
    const { rows } = await this.db.query<SourceRow>(
      `UPDATE showback_sources SET name = $3, schedule = $4, enabled = $5, config = $6, updated_at = now()
        WHERE org = $1 AND id = $2 RETURNING *`,
      [org, id, f.name, f.schedule, f.enabled, JSON.stringify(f.config)],
    );
    return rows[0];
  }

  async delete(org: string, id: string): Promise<void> {
    await this.db.query('DELETE FROM showback_sources WHERE org = $1 AND id = $2', [org, id]);
  }

  async latestRun(org: string, id: string): Promise<RunRow | undefined> {
    const { rows } = await this.db.query<RunRow>(
      'SELECT * FROM showback_runs WHERE org = $1 AND source_id = $2 ORDER BY started_at DESC, id LIMIT 1',
      [org, id],
    );
    return rows[0];
  }

  async runs(org: string, id: string, limit: number): Promise<{ rows: RunRow[]; total: number }> {
    const { rows } = await this.db.query<RunRow>(
      'SELECT * FROM showback_runs WHERE org = $1 AND source_id = $2 ORDER BY started_at DESC, id LIMIT $3',
      [org, id, limit],
    );
    const { rows: count } = await this.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM showback_runs WHERE org = $1 AND source_id = $2', [org, id]);
    return { rows, total: Number(count[0].n) };
  }

  async startRun(r: RunStart): Promise<void> {
    await this.db.query(
      `INSERT INTO showback_runs (id, org, source_id, trigger, status, from_ts, to_ts, attempt) VALUES ($1, $2, $3, $4, 'running', $5, $6, $7)`,
      [r.id, r.org, r.sourceId, r.trigger, r.from.toISOString(), r.to.toISOString(), r.attempt],
    );
  }

  /** Records the run's outcome and moves the source's stale mark: set at the first failure, cleared by a success. */
  async finishRun(org: string, runId: string, sourceId: string, started: Date, end: RunEnd): Promise<RunRow> {
    const { rows } = await this.db.query<RunRow>(
      `UPDATE showback_runs SET status = $3, finished_at = now(), duration_ms = $4, rows_read = $5, rows_written = $6, error = $7
        WHERE org = $1 AND id = $2 RETURNING *`,
      [org, runId, end.error ? 'failed' : 'succeeded', end.durationMs, end.read, end.written, end.error],
    );
    if (end.error) {
      await this.db.query(
        'UPDATE showback_sources SET stale_since = COALESCE(stale_since, $3), stale_error = $4 WHERE org = $1 AND id = $2',
        [org, sourceId, started.toISOString(), end.error],
      );
    } else {
      await this.db.query('UPDATE showback_sources SET stale_since = NULL, stale_error = NULL WHERE org = $1 AND id = $2', [org, sourceId]);
    }
    return rows[0];
  }
}
