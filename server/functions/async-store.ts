import type { Db, Queryable } from '../store/db';
import type { FunctionEvent } from './ports';

/** Queued (async) calls in SQL: one dialect for PostgreSQL and PGlite; every tenant query names the org. */

export type JobTrigger = 'async' | 'event' | 'schedule';

export interface JobError {
  message: string;
  /** The activation status of the failed attempt (error, timeout, memory, rejected, success with a 5xx answer). */
  status?: string;
  statusCode?: number;
}

export interface AsyncJob {
  id: string;
  org: string;
  name: string;
  trigger: JobTrigger;
  event: FunctionEvent;
  requestId: string;
  status: 'queued' | 'running' | 'done' | 'dead';
  attempts: number;
  maxAttempts: number;
  expiresAt: Date;
  chained: boolean;
  lastError: JobError | null;
  acceptedAt: Date;
  lastAttemptAt: Date | null;
  finishedAt: Date | null;
}

export interface NewJob {
  id: string;
  org: string;
  name: string;
  trigger: JobTrigger;
  event: FunctionEvent;
  requestId: string;
  maxAttempts: number;
  expiresAt: Date;
  chained?: boolean;
}

interface JobRow {
  id: string;
  org: string;
  name: string;
  trigger: JobTrigger;
  event: FunctionEvent | string;
  request_id: string;
  status: AsyncJob['status'];
  attempts: number;
  max_attempts: number;
  expires_at: Date | string;
  chained: boolean;
  last_error: JobError | string | null;
  accepted_at: Date | string;
  last_attempt_at: Date | string | null;
  finished_at: Date | string | null;
}

const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

const toJob = (r: JobRow): AsyncJob => ({
  id: r.id,
  org: r.org,
  name: r.name,
  trigger: r.trigger,
  event: parsed(r.event),
  requestId: r.request_id,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  expiresAt: new Date(r.expires_at),
  chained: r.chained,
  lastError: r.last_error === null ? null : parsed(r.last_error),
  acceptedAt: new Date(r.accepted_at),
  lastAttemptAt: date(r.last_attempt_at),
  finishedAt: date(r.finished_at),
});

/** How a claimed attempt ended, as the job keeps it. */
export type JobOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; error: JobError; afterMs: number }
  | { kind: 'dead'; error: JobError }
  /** Not run after all (function still building, org quota full): the claim does not count as an attempt. */
  | { kind: 'release'; afterMs: number };

export class AsyncJobStore {
  constructor(private readonly db: Db) {}

  async enqueue(job: NewJob, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO function_async_jobs (id, org, name, trigger, event, request_id, max_attempts, expires_at, chained)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [job.id, job.org, job.name, job.trigger, JSON.stringify(job.event), job.requestId, job.maxAttempts, job.expiresAt.toISOString(), job.chained ?? false],
    );
  }

  /**
   * Claims up to `limit` due jobs for `owner`: queued ones whose time has come and running ones whose lease expired
   * (their replica died). SKIP LOCKED lets replicas claim side by side without waiting for each other; the lease
   * outlasts the function's timeout by `graceMs`, so a live replica's run ends before anyone may claim it again.
   */
  async claim(owner: string, limit: number, graceMs: number): Promise<AsyncJob[]> {
    const { rows } = await this.db.query<JobRow>(
      `WITH due AS (
         SELECT id FROM function_async_jobs
         WHERE (status = 'queued' AND run_after <= now()) OR (status = 'running' AND lease_until < now())
         ORDER BY run_after LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE function_async_jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = $1,
         lease_until = now() + (f.timeout_ms + $3) * interval '1 millisecond', last_attempt_at = now()
       FROM due, functions f
       WHERE j.id = due.id AND f.org = j.org AND f.name = j.name
       RETURNING j.*`,
      [owner, limit, graceMs],
    );
    return rows.map(toJob);
  }

  /** Records a claimed attempt's outcome, in the caller's transaction; false when the claim was no longer this owner's. */
  async settle(q: Queryable, job: { id: string; owner: string }, outcome: JobOutcome): Promise<boolean> {
    const by = [job.id, job.owner];
    const mine = `WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING id`;
    const sql = {
      done: `UPDATE function_async_jobs SET status = 'done', finished_at = now(), lease_owner = NULL, lease_until = NULL ${mine}`,
      retry: `UPDATE function_async_jobs SET status = 'queued', last_error = $3, run_after = now() + $4 * interval '1 millisecond',
                lease_owner = NULL, lease_until = NULL ${mine}`,
      dead: `UPDATE function_async_jobs SET status = 'dead', last_error = $3, finished_at = now(), lease_owner = NULL, lease_until = NULL ${mine}`,
      release: `UPDATE function_async_jobs SET status = 'queued', attempts = attempts - 1, run_after = now() + $3 * interval '1 millisecond',
                  lease_owner = NULL, lease_until = NULL ${mine}`,
    }[outcome.kind];
    const params =
      outcome.kind === 'retry'
        ? [...by, JSON.stringify(outcome.error), outcome.afterMs]
        : outcome.kind === 'dead'
          ? [...by, JSON.stringify(outcome.error)]
          : outcome.kind === 'release'
            ? [...by, outcome.afterMs]
            : by;
    const { rows } = await q.query(sql, params);
    return rows.length === 1;
  }

  async deadLetters(org: string, name: string, page: { limit: number; offset: number }): Promise<{ items: AsyncJob[]; total: number }> {
    const [items, count] = await Promise.all([
      this.db.query<JobRow>(
        `SELECT * FROM function_async_jobs WHERE org = $1 AND name = $2 AND status = 'dead' ORDER BY finished_at DESC, id LIMIT $3 OFFSET $4`,
        [org, name, page.limit, page.offset],
      ),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM function_async_jobs WHERE org = $1 AND name = $2 AND status = 'dead'`, [org, name]),
    ]);
    return { items: items.rows.map(toJob), total: Number(count.rows[0]?.total ?? 0) };
  }

  /** Queues a dead letter again with `attempts` more attempts and a fresh event age; undefined when there is none. */
  async redrive(org: string, name: string, id: string, more: { attempts: number; expiresAt: Date }): Promise<AsyncJob | undefined> {
    const { rows } = await this.db.query<JobRow>(
      `UPDATE function_async_jobs SET status = 'queued', max_attempts = attempts + $4, expires_at = $5, run_after = now(), finished_at = NULL
       WHERE org = $1 AND name = $2 AND id = $3 AND status = 'dead' RETURNING *`,
      [org, name, id, more.attempts, more.expiresAt.toISOString()],
    );
    return rows[0] && toJob(rows[0]);
  }

  async deleteDead(org: string, name: string, id: string): Promise<boolean> {
    const { rows } = await this.db.query(`DELETE FROM function_async_jobs WHERE org = $1 AND name = $2 AND id = $3 AND status = 'dead' RETURNING id`, [org, name, id]);
    return rows.length === 1;
  }

  async get(org: string, id: string): Promise<AsyncJob | undefined> {
    const { rows } = await this.db.query<JobRow>('SELECT * FROM function_async_jobs WHERE org = $1 AND id = $2', [org, id]);
    return rows[0] && toJob(rows[0]);
  }

  /** Finished jobs are kept a while (their ids answer "done"), then dropped. */
  async pruneDone(before: Date): Promise<void> {
    await this.db.query(`DELETE FROM function_async_jobs WHERE status = 'done' AND finished_at < $1`, [before.toISOString()]);
  }
}
