import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ScheduleEvent } from '../../contract/functions';
import { NotReady, TooManyRequests } from '../errors';
import type { Db, Queryable } from '../store/db';
import { insertActivations, type ActivationRecord } from './activations';
import type { AsyncJob, AsyncJobStore, JobError, JobOutcome } from './async-store';
import type { FunctionCalls } from './calls';
import type { FunctionRecord, FunctionStore } from './store';
import { asyncSettings } from './views';

export interface AsyncWorkerOptions {
  /** How often the queue is looked at when nothing woke the worker (another replica's calls, retries). */
  pollMs: number;
  /** Queued calls this replica runs at once. */
  concurrency: number;
  /** The first retry waits this long, each further one twice as long. */
  retryBaseMs: number;
  /** A claim's lease: the function's timeout plus this. */
  leaseGraceMs: number;
  /** A claim put back (function still building, org quota full) is looked at again after this. */
  releaseMs?: number;
}

export interface AsyncWorkerDeps {
  db: Db;
  jobs: AsyncJobStore;
  store: Pick<FunctionStore, 'get'>;
  calls: FunctionCalls;
  log: Logger;
  options: AsyncWorkerOptions;
}

/** Finished jobs stay this long: GET of their id still says done, and then they go. */
const DONE_KEPT_MS = 24 * 3_600_000;

/**
 * Runs queued calls on every replica: claims due jobs (store lease, SKIP LOCKED), runs each through FunctionCalls
 * (the function's limits and the org's quota), and writes the attempt's activation with the job's outcome in one
 * transaction: done, retried with backoff, or dead-lettered (with the onSuccess/onFailure destination queued too).
 */
export class AsyncWorker {
  private readonly owner = randomUUID();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private lastPrune = 0;

  constructor(private readonly deps: AsyncWorkerDeps) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks at the queue now (after an enqueue on this replica, or when a run freed a slot). */
  kick(): void {
    if (this.closed) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch((err) => this.deps.log.warn({ err }, 'async queue could not be read'))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops claiming and waits for the runs in progress (their outcomes are written). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.allSettled([...this.running]);
  }

  private async poll(): Promise<void> {
    const free = this.deps.options.concurrency - this.running.size;
    if (free <= 0) return;
    const jobs = await this.deps.jobs.claim(this.owner, free, this.deps.options.leaseGraceMs);
    for (const job of jobs) {
      const run = this.attempt(job)
        .catch((err) => this.deps.log.error({ err, org: job.org, function: job.name, job: job.id }, 'async call could not be settled'))
        .finally(() => {
          this.running.delete(run);
          this.kick();
        });
      this.running.add(run);
    }
    if (Date.now() - this.lastPrune > 3_600_000) {
      this.lastPrune = Date.now();
      await this.deps.jobs.pruneDone(new Date(Date.now() - DONE_KEPT_MS));
    }
  }

  private async attempt(job: AsyncJob): Promise<void> {
    const fn = await this.deps.store.get(job.org, job.name);
    // A deleted function takes its jobs with it (ON DELETE CASCADE): nothing to settle.
    if (!fn) return;
    const releaseMs = this.deps.options.releaseMs ?? 1000;
    if (job.expiresAt.getTime() < Date.now()) {
      const age = Math.round((Date.now() - job.acceptedAt.getTime()) / 1000);
      return this.settle(job, fn, { kind: 'dead', error: { message: `not run within maxEventAgeSeconds (${asyncSettings(fn.async).maxEventAgeSeconds} s; it is ${age} s old)` } });
    }
    if (job.attempts > job.maxAttempts) {
      return this.settle(job, fn, { kind: 'dead', error: { message: 'the last attempt was interrupted (the backend stopped while it ran)' } });
    }
    // A function still building: its calls wait for it, as a vCD event that reached it does (they are not attempts).
    if (fn.status === 'initializing') return this.settle(job, fn, { kind: 'release', afterMs: releaseMs });
    let record: ActivationRecord | undefined;
    let failure: JobError | undefined;
    let answer: { statusCode: number; body: unknown } | undefined;
    try {
      const activationId = job.attempts === 1 ? job.id : randomUUID();
      const capture = (r: ActivationRecord) => (record = r);
      const tick = job.trigger === 'schedule' ? (job.event as ScheduleEvent).tick : undefined;
      const result = await this.deps.calls.run(fn, { trigger: job.trigger, event: job.event, requestId: job.requestId, activationId, attempt: job.attempts, capture, tick });
      answer = { statusCode: result.statusCode, body: result.body };
      if (result.statusCode >= 500) failure = { message: `the function answered ${result.statusCode}`, status: 'success', statusCode: result.statusCode };
    } catch (err) {
      // The org's calls are all in use on this replica: not an attempt, try again shortly (no activation kept).
      if (err instanceof TooManyRequests) return this.settle(job, fn, { kind: 'release', afterMs: releaseMs });
      const message = err instanceof NotReady || err instanceof Error ? err.message : String(err);
      failure = { message, ...(record ? { status: record.status, statusCode: record.statusCode } : {}) };
    }
    const outcome: JobOutcome = !failure
      ? { kind: 'done' }
      : job.attempts < job.maxAttempts
        ? { kind: 'retry', error: failure, afterMs: this.deps.options.retryBaseMs * 2 ** (job.attempts - 1) }
        : { kind: 'dead', error: failure };
    await this.settle(job, fn, outcome, record, answer);
  }

  /** The attempt's activation, the job's new state and a destination's call: one transaction, all or nothing. */
  private async settle(job: AsyncJob, fn: FunctionRecord, outcome: JobOutcome, record?: ActivationRecord, answer?: { statusCode: number; body: unknown }): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const mine = await this.deps.jobs.settle(tx, { id: job.id, owner: this.owner }, outcome);
      // Not this replica's claim any more (its function was deleted meanwhile): nothing of it is kept.
      if (!mine) return;
      if (record) await insertActivations(tx, [record]);
      if (job.chained || (outcome.kind !== 'done' && outcome.kind !== 'dead')) return;
      const target = outcome.kind === 'done' ? fn.async.onSuccess : fn.async.onFailure;
      if (target) await this.chain(tx, job, target.function, outcome, answer);
    });
    if (outcome.kind === 'dead') {
      this.deps.log.warn({ org: job.org, function: job.name, job: job.id, attempts: job.attempts, error: outcome.error.message }, 'async call dead-lettered');
    }
  }

  /** Queues the destination's call (Lambda's destination record shape); a destination deleted since is skipped. */
  private async chain(tx: Queryable, job: AsyncJob, target: string, outcome: JobOutcome, answer?: { statusCode: number; body: unknown }): Promise<void> {
    const { rows } = await tx.query<{ async: Record<string, unknown> | string }>('SELECT async FROM functions WHERE org = $1 AND name = $2', [job.org, target]);
    if (!rows[0]) {
      this.deps.log.warn({ org: job.org, function: job.name, destination: target }, 'async destination no longer exists');
      return;
    }
    const settings = asyncSettings(typeof rows[0].async === 'string' ? JSON.parse(rows[0].async) : rows[0].async);
    const event = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: job.id,
        function: job.name,
        condition: outcome.kind === 'done' ? 'Success' : 'RetriesExhausted',
        approximateInvokeCount: job.attempts,
      },
      requestPayload: job.event,
      ...(answer ? { responseContext: { statusCode: answer.statusCode }, responsePayload: answer.body ?? null } : {}),
      ...(outcome.kind === 'dead' ? { error: outcome.error } : {}),
    };
    await this.deps.jobs.enqueue(
      {
        id: randomUUID(),
        org: job.org,
        name: target,
        trigger: 'async',
        event: event as never,
        requestId: job.id,
        maxAttempts: settings.maxRetries + 1,
        expiresAt: new Date(Date.now() + settings.maxEventAgeSeconds * 1000),
        chained: true,
      },
      tx,
    );
  }
}
