import type { Logger } from 'pino';
import { PRODUCT_EVENT_TYPES } from '../../contract/vcd-events';
import { NotReady, TooManyRequests } from '../errors';
import type { CallSpec, FunctionCalls } from './calls';
import type { ProductEvent } from './ports';
import type { FunctionRecord, FunctionStore } from './store';

export interface ProductEventsDeps {
  store: Pick<FunctionStore, 'productEventSubscribers' | 'get' | 'claimEvent' | 'releaseEvent'>;
  calls: Pick<FunctionCalls, 'run'>;
  /** Queues the event for a function still building: it runs once the function is ready. */
  defer: (fn: FunctionRecord, call: { event: ProductEvent; requestId: string }) => Promise<void>;
  log: Logger;
}

/** What one delivery of a product event did: the functions it ran (or queued), and those to try again later. */
export interface ProductEventOutcome {
  ran: string[];
  retry: string[];
}

/** Whether a function may be named as the target of a product event (a budget's `function`). */
export type TargetCheck = 'ok' | 'missing' | 'not-subscribed';

/**
 * The product's own events (a showback budget alert) reaching the org's functions subscribed to them, as vCD's
 * notifications do: each function runs once per eventId (the claim in function_event_runs), so a feature may deliver
 * an event again after a restart or from another replica and no function runs twice. A function refused for now
 * (the org's calls are used up) gives its claim back and is named in `retry`.
 */
export class ProductEvents {
  constructor(private readonly deps: ProductEventsDeps) {}

  async check(org: string, name: string, type: string): Promise<TargetCheck> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) return 'missing';
    return fn.trigger.type === 'event' && fn.trigger.events.includes(type) ? 'ok' : 'not-subscribed';
  }

  /** Runs the org's functions subscribed to the event's type (only `only` when given); resolves when they ran. */
  async deliver(event: ProductEvent, only?: string): Promise<ProductEventOutcome> {
    if (!PRODUCT_EVENT_TYPES.includes(event.type)) throw new Error(`"${event.type}" is not a product event type`);
    const subscribers = (await this.deps.store.productEventSubscribers(event.org, event.type)).filter((fn) => !only || fn.name === only);
    const outcome: ProductEventOutcome = { ran: [], retry: [] };
    await Promise.all(
      subscribers.map(async (fn) => {
        const result = await this.runOnce(fn, event);
        if (result !== 'skipped') outcome[result].push(fn.name);
      }),
    );
    return outcome;
  }

  private async runOnce(fn: FunctionRecord, event: ProductEvent): Promise<'ran' | 'retry' | 'skipped'> {
    const { store, calls, defer, log } = this.deps;
    if (!(await store.claimEvent(fn.org, fn.name, event.eventId))) return 'skipped';
    if (fn.status === 'initializing') {
      await defer(fn, { event, requestId: event.eventId });
      return 'ran';
    }
    const call: CallSpec = { trigger: 'event', event, requestId: event.eventId };
    try {
      await calls.run(fn, call);
      return 'ran';
    } catch (err) {
      log.warn({ org: fn.org, function: fn.name, eventId: event.eventId, type: event.type, err: (err as Error).message }, 'product event function failed');
      // Refused for now (calls used up, a build between states): given back, delivered again later.
      if (err instanceof TooManyRequests || (err instanceof NotReady && fn.status !== 'failed')) {
        await store.releaseEvent(fn.org, fn.name, event.eventId);
        return 'retry';
      }
      // It ran and failed, or its build failed: that is its activation (rejected), not the delivery's.
      return 'ran';
    }
  }
}
