import { randomUUID } from 'node:crypto';
import type { AsyncConfig, DeadLetterView } from '../../contract/functions';
import { PageQuerySchema } from '../../contract/problem';
import { Conflict, Invalid, NotFound, parseOrThrow } from '../errors';
import type { AsyncJob, AsyncJobStore, JobTrigger } from './async-store';
import type { AsyncWorker } from './async-worker';
import type { FunctionEvent, HttpEvent } from './ports';
import type { FunctionRecord, FunctionStore } from './store';
import { asyncSettings } from './views';

/** The async side of the functions service: queue a call, and the dead-letter list (read, re-drive, delete). */
export class AsyncCalls {
  constructor(
    private readonly deps: {
      jobs: AsyncJobStore;
      worker: AsyncWorker;
      store: Pick<FunctionStore, 'get'>;
    },
  ) {}

  /** Queues one call of the function; resolves with its id (its first attempt's activation id) once it is stored. */
  async enqueue(fn: FunctionRecord, call: { trigger: JobTrigger; event: FunctionEvent; requestId: string }): Promise<string> {
    const settings = asyncSettings(fn.async);
    const id = randomUUID();
    await this.deps.jobs.enqueue({
      id,
      org: fn.org,
      name: fn.name,
      trigger: call.trigger,
      event: call.event,
      requestId: call.requestId,
      maxAttempts: settings.maxRetries + 1,
      expiresAt: new Date(Date.now() + settings.maxEventAgeSeconds * 1000),
    });
    this.deps.worker.kick();
    return id;
  }

  /**
   * The queued call by the function's name, for callers whose proxy does not pass X-Invocation-Type on; the handler
   * sees a POST of its route with the given body and query.
   */
  async byName(org: string, name: string, event: HttpEvent, requestId: string): Promise<{ function: string; activationId: string }> {
    const fn = await this.require(org, name);
    if (fn.trigger.type !== 'http' || fn.route === null) {
      throw new Conflict(`function "${name}" has an event trigger: it runs on vCD notifications, not on calls`, [{ path: 'name', message: 'not an HTTP function' }]);
    }
    const call = { ...event, method: 'POST', path: `/api/org/${org}/${fn.route}` };
    return { function: fn.name, activationId: await this.enqueue(fn, { trigger: 'async', event: call, requestId }) };
  }

  async deadLetters(org: string, name: string, query: unknown): Promise<{ items: DeadLetterView[]; total: number }> {
    const page = parseOrThrow(PageQuerySchema, query, 'invalid query');
    const fn = await this.require(org, name);
    const { items, total } = await this.deps.jobs.deadLetters(fn.org, fn.name, page);
    return { items: items.map(toDeadLetterView), total };
  }

  /** Queues a dead letter again with the function's retries and event age as they are now. */
  async redrive(org: string, name: string, id: string): Promise<{ activationId: string; status: 'queued' }> {
    const fn = await this.require(org, name);
    const settings = asyncSettings(fn.async);
    const job = await this.deps.jobs.redrive(fn.org, fn.name, id, {
      attempts: settings.maxRetries + 1,
      expiresAt: new Date(Date.now() + settings.maxEventAgeSeconds * 1000),
    });
    if (!job) throw new NotFound(`function "${fn.name}" has no dead letter "${id}"`);
    this.deps.worker.kick();
    return { activationId: job.id, status: 'queued' };
  }

  async deleteDeadLetter(org: string, name: string, id: string): Promise<void> {
    const fn = await this.require(org, name);
    if (!(await this.deps.jobs.deleteDead(fn.org, fn.name, id))) throw new NotFound(`function "${fn.name}" has no dead letter "${id}"`);
  }

  private async require(org: string, name: string): Promise<FunctionRecord> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    return fn;
  }

  /** Destinations name another function of the same org that exists (a 400 naming async.onSuccess|onFailure otherwise). */
  async checkDestinations(org: string, name: string, config: AsyncConfig | undefined): Promise<void> {
    for (const key of ['onSuccess', 'onFailure'] as const) {
      const target = config?.[key]?.function;
      if (!target) continue;
      const path = `async.${key}.function`;
      if (target === name) throw new Invalid(`invalid function: ${path} names the function itself`, [{ path, message: 'a destination must be another function' }]);
      if (!(await this.deps.store.get(org, target))) {
        throw new Invalid(`invalid function: ${path} names "${target}", which is no function of organization "${org}"`, [
          { path, message: `no function "${target}" in this organization` },
        ]);
      }
    }
  }
}

export function toDeadLetterView(j: AsyncJob): DeadLetterView {
  return {
    id: j.id,
    function: j.name,
    trigger: j.trigger,
    event: j.event,
    error: j.lastError ?? { message: 'unknown' },
    attempts: j.attempts,
    acceptedAt: j.acceptedAt.toISOString(),
    ...(j.lastAttemptAt ? { lastAttemptAt: j.lastAttemptAt.toISOString() } : {}),
    deadAt: (j.finishedAt ?? j.lastAttemptAt ?? j.acceptedAt).toISOString(),
  };
}
