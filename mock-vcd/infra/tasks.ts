import { randomUUID } from 'node:crypto';
import { VcdError } from '../http/vcd-errors';

/** The kinds of work a task does; faults and delays are set per kind (`any` matches all). */
export const TASK_KINDS = ['recompose', 'powerOn', 'powerOff', 'delete', 'poolUpdate'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export type TaskStatus = 'queued' | 'running' | 'success' | 'error';

export interface Task {
  uuid: string;
  kind: TaskKind;
  operationName: string;
  operation: string;
  status: TaskStatus;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
  owner: { id: string; name: string; type: string; path: string };
  org: { id: string; name: string };
  user: { id: string; name: string };
}

export interface Faults {
  /** The next N tasks of a kind end in `error` without changing anything. */
  failNext: Partial<Record<TaskKind | 'any', number>>;
  /** How long a task of a kind stays `running` (`any` = every kind without its own). */
  delayMs: Partial<Record<TaskKind | 'any', number>>;
}

export interface StartTask {
  kind: TaskKind;
  operationName: string;
  operation: string;
  owner: Task['owner'];
  org: Task['org'];
  user: Task['user'];
  /** The change the task makes when it succeeds; a thrown error ends the task in `error`. */
  apply: () => void;
  /** Called once the task has ended, in success or error. */
  onEnd?: (task: Task) => void;
}

const MAX_TASKS = 5000;

/**
 * Tasks like vCD's: created `queued`, `running` on the next turn, `success` or `error` after the kind's delay.
 * The entity changes only when the task succeeds.
 */
export class TaskRunner {
  private readonly tasks = new Map<string, Task>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly faults: Faults = { failNext: {}, delayMs: {} };

  constructor(private readonly now: () => number = Date.now) {}

  get(uuid: string): Task | undefined {
    return this.tasks.get(uuid);
  }

  list(): Task[] {
    return [...this.tasks.values()];
  }

  start(spec: StartTask): Task {
    const task: Task = {
      uuid: randomUUID(),
      kind: spec.kind,
      operationName: spec.operationName,
      operation: spec.operation,
      status: 'queued',
      startedAt: this.now(),
      endedAt: null,
      error: null,
      owner: spec.owner,
      org: spec.org,
      user: spec.user,
    };
    this.remember(task);
    this.later(0, () => {
      task.status = 'running';
      this.later(this.delayOf(spec.kind), () => this.finish(task, spec));
    });
    return task;
  }

  /** Cancels pending work (the mock is closing). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private finish(task: Task, spec: StartTask): void {
    try {
      if (this.takeFault(task.kind)) throw new Error(`Injected fault: the ${task.kind} task failed.`);
      spec.apply();
      task.status = 'success';
    } catch (err) {
      task.status = 'error';
      task.error = err instanceof VcdError || err instanceof Error ? err.message : String(err);
    }
    task.endedAt = this.now();
    spec.onEnd?.(task);
  }

  private takeFault(kind: TaskKind): boolean {
    for (const key of [kind, 'any'] as const) {
      const left = this.faults.failNext[key] ?? 0;
      if (left > 0) {
        this.faults.failNext[key] = left - 1;
        return true;
      }
    }
    return false;
  }

  private delayOf(kind: TaskKind): number {
    return Math.max(0, this.faults.delayMs[kind] ?? this.faults.delayMs.any ?? 0);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private remember(task: Task): void {
    this.tasks.set(task.uuid, task);
    if (this.tasks.size > MAX_TASKS) {
      const oldest = this.tasks.keys().next().value;
      if (oldest) this.tasks.delete(oldest);
    }
  }
}
