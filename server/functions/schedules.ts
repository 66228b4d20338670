import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { ScheduleEvent, ScheduleTrigger } from '../../contract/functions';
import type { Db, Queryable } from '../store/db';
import type { AsyncJobStore } from './async-store';
import { toRecord, type FunctionRecord, type Row } from './records';
import { scheduleKey, schedulesOf } from './triggers';
import { asyncSettings } from './views';

export interface ScheduleOptions {
  /** How often a replica looks for due ticks. */
  pollMs: number;
  /** A tick found later than this after its time (the backend was down) is reported missed, not run. */
  graceMs: number;
}

export interface FunctionSchedulesDeps {
  db: Db;
  jobs: AsyncJobStore;
  log: Logger;
  /** The time ticks are due against; tests drive it instead of waiting for minutes to pass. */
  clock: () => Date;
  options: ScheduleOptions;
}

/** Ticks counted at most this many (croner takes about half a millisecond a tick): a longer stretch reports "at least". */
export const MAX_COUNTED_TICKS = 2000;

/** What one look for due ticks did. */
export interface TickRound {
  queued: number;
  missed: number;
}

/**
 * Runs scheduled functions once per tick across replicas. Every replica looks for due ticks; the row for
 * (function, schedule, tick) is the claim (primary key), so only the replica whose insert wins queues the run, as an
 * async job in the same transaction (the async worker then runs it with the function's retries and dead letters).
 * Ticks that passed while no backend was up become one "missed" row, not a burst of late runs.
 */
export class FunctionSchedules {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;

  constructor(private readonly deps: FunctionSchedulesDeps) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private kick(): void {
    if (this.round) return;
    this.round = this.runDue()
      .catch((err) => this.deps.log.warn({ err }, 'schedules could not be looked at'))
      .finally(() => (this.round = undefined));
  }

  /** Queues the due tick of every schedule (at most one each) and records the ticks missed before it. */
  async runDue(at: Date = this.deps.clock()): Promise<TickRound> {
    const { rows } = await this.deps.db.query<Row & { last_ticks: Record<string, string> | string | null }>(
      `SELECT f.*, (SELECT jsonb_object_agg(t.schedule, t.last) FROM (
           SELECT schedule, max(tick) AS last FROM function_schedule_ticks WHERE org = f.org AND name = f.name GROUP BY schedule) t
         ) AS last_ticks
       FROM functions f WHERE f.trigger->>'type' = 'schedule' OR jsonb_array_length(f.more_triggers) > 0`,
    );
    const round: TickRound = { queued: 0, missed: 0 };
    for (const row of rows) {
      const fn = toRecord(row);
      const last: Record<string, string> = typeof row.last_ticks === 'string' ? JSON.parse(row.last_ticks) : (row.last_ticks ?? {});
      for (const schedule of schedulesOf(fn)) {
        const key = scheduleKey(schedule);
        const since = new Date(Math.max(fn.updatedAt.getTime(), last[key] ? new Date(last[key]).getTime() : 0));
        const done = await this.settleTicks(fn, schedule, dueTicks(schedule, since, at), at);
        round.queued += done.queued;
        round.missed += done.missed;
      }
    }
    return round;
  }

  private async settleTicks(fn: FunctionRecord, schedule: ScheduleTrigger, due: { first?: Date; last?: Date; count: number }, at: Date): Promise<TickRound> {
    if (!due.last || !due.first) return { queued: 0, missed: 0 };
    const runLast = at.getTime() - due.last.getTime() <= this.deps.options.graceMs;
    const missed = runLast ? due.count - 1 : due.count;
    const key = scheduleKey(schedule);
    return this.deps.db.transaction(async (tx) => {
      let reported = 0;
      if (missed > 0) {
        const lastMissed = runLast ? previousTick(schedule, due.last as Date) : (due.last as Date);
        const { rows } = await tx.query(
          `INSERT INTO function_schedule_ticks (org, name, schedule, tick, kind, missed, missed_from) VALUES ($1, $2, $3, $4, 'missed', $5, $6)
           ON CONFLICT DO NOTHING RETURNING tick`,
          [fn.org, fn.name, key, lastMissed.toISOString(), missed, (due.first as Date).toISOString()],
        );
        if (rows.length) {
          reported = missed;
          this.deps.log.warn({ org: fn.org, function: fn.name, schedule: key, missed, from: due.first, to: lastMissed }, 'schedule ticks missed');
        }
      }
      const queued = runLast ? await this.queue(tx, fn, schedule, due.last as Date) : 0;
      return { queued, missed: reported };
    });
  }

  /** Claims the tick and queues its run; 0 when another replica claimed it first. */
  private async queue(tx: Queryable, fn: FunctionRecord, schedule: ScheduleTrigger, tick: Date): Promise<number> {
    const id = randomUUID();
    const { rows } = await tx.query(
      `INSERT INTO function_schedule_ticks (org, name, schedule, tick, kind, activation_id) VALUES ($1, $2, $3, $4, 'run', $5)
       ON CONFLICT DO NOTHING RETURNING tick`,
      [fn.org, fn.name, scheduleKey(schedule), tick.toISOString(), id],
    );
    if (!rows.length) return 0;
    const settings = asyncSettings(fn.async);
    const event: ScheduleEvent = { type: 'schedule', cron: schedule.cron, timezone: schedule.timezone, tick: tick.toISOString() };
    await this.deps.jobs.enqueue(
      {
        id,
        org: fn.org,
        name: fn.name,
        trigger: 'schedule',
        event,
        requestId: id,
        maxAttempts: settings.maxRetries + 1,
        expiresAt: new Date(Date.now() + settings.maxEventAgeSeconds * 1000),
      },
      tx,
    );
    return 1;
  }
}

/** The ticks after `since` up to and including `at`: the first, the last and how many. */
export function dueTicks(schedule: ScheduleTrigger, since: Date, at: Date): { first?: Date; last?: Date; count: number } {
  const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
  let first: Date | undefined;
  let last: Date | undefined;
  let count = 0;
  let t = cron.nextRun(since);
  for (; t && t.getTime() <= at.getTime() && count < MAX_COUNTED_TICKS; t = cron.nextRun(t)) {
    first ??= t;
    last = t;
    count++;
  }
  // Too many to count: the newest due tick is found from `at` backwards, so the run decision stays right.
  if (t && t.getTime() <= at.getTime()) last = previousTick(schedule, new Date(at.getTime() + 1));
  return { first, last, count };
}

/** The tick before `tick` (croner only counts forward: look back a minute, then twice as far, until one falls in). */
function previousTick(schedule: ScheduleTrigger, tick: Date): Date {
  const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
  for (let back = 60_000; back < 800 * 86_400_000; back *= 2) {
    let last: Date | undefined;
    for (let t = cron.nextRun(new Date(tick.getTime() - back)); t && t.getTime() < tick.getTime(); t = cron.nextRun(t)) last = t;
    if (last) return last;
  }
  return tick;
}
