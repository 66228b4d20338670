import { Cron } from 'croner';
import { Invalid } from '../errors';

/** Refuses a schedule croner cannot run (400 naming `schedule`), before it is stored. */
export function checkSchedule(schedule: string): void {
  try {
    new Cron(schedule, { paused: true, timezone: 'UTC' }).stop();
  } catch (err) {
    throw new Invalid(`invalid schedule: ${(err as Error).message}`, [{ path: 'schedule', message: `not a cron expression: ${(err as Error).message}` }]);
  }
}

/** One cron job per source (UTC, a run still going skips the next tick); nothing is scheduled after close(). */
export class SourceScheduler {
  private readonly jobs = new Map<string, Cron>();
  private closed = false;

  /** Replaces the source's job: a new one when `active`, none otherwise. */
  set(id: string, schedule: string, active: boolean, due: () => Promise<void>): void {
    this.remove(id);
    if (!active || this.closed) return;
    this.jobs.set(id, new Cron(schedule, { timezone: 'UTC', protect: true }, due));
  }

  remove(id: string): void {
    this.jobs.get(id)?.stop();
    this.jobs.delete(id);
  }

  nextRun(id: string): Date | null {
    return this.jobs.get(id)?.nextRun() ?? null;
  }

  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
}
