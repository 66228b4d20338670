import { randomUUID } from 'node:crypto';
import type { ActivationStatus } from '../../contract/functions';
import { AppError, NotReady, Timeout, TooManyRequests, Upstream } from '../errors';
import type { VcdNotification } from '../vcd/notification';
import { capLogs } from './activations';
import type { AliasRouter, Served } from './alias-router';
import type { Logger } from 'pino';
import type { ActivationRecord, ActivationStore } from './activations';
import { MemoryRateWindows, type RateWindows } from '../store/rate-windows';
import { CallRate } from './org-limits';
import type { FunctionEvent, HttpEvent, InvokeFailureDetails, InvokeResult, OrgLimitsOf, Runtime } from './ports';
import { applyResponsePolicy, type SafeAnswer } from './response-policy';
import type { RunnableVersions } from './runnable';
import type { FunctionRecord, FunctionStore } from './store';
import { bodyBytes, orgUuidOf } from './views';

/** What a call answers: the handler's result, its function, the body as sent, and the activation recorded for it. */
export type CallResult = InvokeResult & { function: string; payload: string | undefined; activationId: string };

export interface FunctionCallsDeps {
  store: Pick<FunctionStore, 'eventSubscribers' | 'claimEvent' | 'releaseEvent' | 'pruneEventClaims'>;
  runtime: Runtime;
  activations: ActivationStore;
  /** The versions as the runtime runs them (secrets opened, cached). */
  versions: RunnableVersions;
  /** Calls of an org's functions running at once on this replica (429 beyond). */
  quotas: { maxConcurrentCallsPerOrg: number };
  /** The provider's per-org limits: concurrentCalls replaces the quota above, callsPerSecond adds a rate. */
  orgLimits?: OrgLimitsOf;
  /** A handler's response body above this many bytes answers 502 response-too-large. */
  maxResponseBytes: number;
  /** Where calls per second are counted (the store: the same on every replica); this process' memory when not given. */
  rateWindows?: RateWindows;
  log: Logger;
  /** Queues a notification for a function still building: it runs once the function is ready. */
  defer?: (fn: FunctionRecord, call: { event: FunctionEvent; requestId: string }) => Promise<void>;
  /** Aliases: which version serves a call (a canary by weight), and the canary's automatic rollback. */
  aliases?: AliasRouter;
}

/** How a call came: a route, a vCD notification, or a queued (async) call with its attempt and activation id. */
export interface CallSpec {
  trigger: 'http' | 'event' | 'async' | 'schedule' | 'hook';
  /** The alias called (default live: what a function's route, events, schedules and queued calls call). */
  alias?: string;
  /** A scheduled run's tick (ISO 8601), kept in its activation. */
  tick?: string;
  event: FunctionEvent;
  requestId: string;
  /** Given by a queued call (its first attempt's id is the one the caller got); otherwise a new one. */
  activationId?: string;
  attempt?: number;
  /** Hands the activation record here instead of the background batch: a queued call writes it with its job's outcome. */
  capture?: (record: ActivationRecord) => void;
}

/** Event claims are kept this long: a redelivery of the same eventId within it runs nothing. */
const EVENT_CLAIM_MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Calls of functions, whatever triggered them (an HTTP route, a vCD notification): the org's concurrency quota,
 * the runtime, the response cap and one activation record per call.
 */
export class FunctionCalls {
  private readonly running = new Map<string, number>();
  private readonly eventRuns = new Set<Promise<void>>();
  private readonly rate: CallRate;
  private lastClaimPrune = 0;

  constructor(private readonly deps: FunctionCallsDeps) {
    this.rate = new CallRate(deps.rateWindows ?? new MemoryRateWindows());
  }

  /** Resolves when the notification runs started so far have finished (graceful close). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.eventRuns]);
  }

  /**
   * Runs every function of the notification's org subscribed to its type, once per eventId (a duplicate delivery
   * runs nothing); each run is an activation with trigger "event" and the notification as its event. Resolves when
   * the runs have finished; a failing function is recorded and logged, never thrown.
   */
  async handleVcdNotification(notification: VcdNotification): Promise<void> {
    const subscribers = await this.deps.store.eventSubscribers(orgUuidOf(notification.org), notification.type);
    const runs = subscribers.map(async (fn) => {
      if (!(await this.deps.store.claimEvent(fn.org, fn.name, notification.eventId))) return;
      if (fn.status === 'initializing' && this.deps.defer) {
        // Claimed and queued in the store: delivered once the build is done, and a redelivery runs nothing.
        await this.deps.defer(fn, { event: notification, requestId: notification.eventId });
        return;
      }
      try {
        await this.run(fn, { trigger: 'event', event: notification, requestId: notification.eventId });
      } catch (err) {
        // Refused before it ran (the org's concurrent calls are used up): a redelivery of the event may run it.
        if (err instanceof TooManyRequests) await this.deps.store.releaseEvent(fn.org, fn.name, notification.eventId);
        this.deps.log.warn(
          { org: fn.org, function: fn.name, eventId: notification.eventId, type: notification.type, err: (err as Error).message },
          'event function failed',
        );
      }
    });
    const all = Promise.allSettled(runs).then(() => undefined);
    this.eventRuns.add(all);
    void all.finally(() => this.eventRuns.delete(all));
    await all;
    if (Date.now() - this.lastClaimPrune > 3_600_000) {
      this.lastClaimPrune = Date.now();
      await this.deps.store.pruneEventClaims(new Date(Date.now() - EVENT_CLAIM_MAX_AGE_MS));
    }
  }

  /** Runs the version the alias picks (live: the serving one, or its canary) under the org's concurrency quota and records the activation. */
  async run(current: FunctionRecord, call: CallSpec): Promise<CallResult> {
    const served = await this.serve(current, call.alias);
    const { fn } = served;
    const { org } = fn;
    const activationId = call.activationId ?? randomUUID();
    const record = this.recorder(served, call, activationId);
    const withId = <E extends Error>(err: E): E => Object.assign(err, { activationId });
    if (fn.status !== 'ready') {
      const why = fn.status === 'failed' ? `failed to build: ${fn.error?.message ?? 'unknown error'}` : 'is still initializing';
      record('rejected', 503, [], false);
      throw withId(new NotReady(`function "${fn.name}" ${why}`));
    }
    let release: () => void;
    try {
      release = await this.admit(fn, await this.deps.orgLimits?.(org));
    } catch (err) {
      record('rejected', 429, [], false);
      throw withId(err as Error);
    }
    let result: InvokeResult;
    try {
      const context = { org, functionName: fn.name, requestId: call.requestId };
      result = await this.deps.runtime.invoke(this.deps.versions.of(fn), call.event, context);
    } catch (err) {
      const details = (err ?? {}) as InvokeFailureDetails;
      const [status, code] = failureOf(err);
      record(status, code, details.logs ?? [], details.cold ?? false);
      throw err instanceof Error ? withId(err) : err;
    } finally {
      release();
    }
    const { payload, bytes } = bodyBytes(result.body);
    if (bytes > this.deps.maxResponseBytes) {
      record('error', 502, result.logs, result.cold ?? false);
      throw withId(
        new Upstream(
          `function "${fn.name}" answered ${bytes} bytes, more than the response limit of ${this.deps.maxResponseBytes} bytes`,
          'response-too-large',
        ),
      );
    }
    let safe: SafeAnswer;
    try {
      const path = call.trigger !== 'event' && 'path' in call.event ? (call.event as HttpEvent).path : undefined;
      safe = applyResponsePolicy(result, { functionName: fn.name, org, route: fn.route, path });
    } catch (err) {
      record('error', 502, result.logs, result.cold ?? false);
      throw withId(err as Error);
    }
    record('success', safe.statusCode, result.logs, result.cold ?? false, safe.dropped);
    return { ...result, statusCode: safe.statusCode, headers: safe.headers, function: fn.name, payload, activationId };
  }

  /**
   * Counts a call against the org's and the function's calls per second (the same on every replica), then the org's
   * concurrent calls (the provider's concurrentCalls limit, else the quota) and the function's own maxConcurrency,
   * on this replica; throws 429 over any (a queued call put back by it waits in the queue). Answers the release.
   */
  private async admit(fn: FunctionRecord, limits: Awaited<ReturnType<OrgLimitsOf>> | undefined): Promise<() => void> {
    await this.rate.admit(fn.org, fn.name, limits);
    try {
      return this.admitRunning(fn, limits);
    } catch (err) {
      await this.rate.undo(fn.org, fn.name, limits);
      throw err;
    }
  }

  /** The concurrency half of admit(): checked and counted without awaiting, so no two calls pass on one free slot. */
  private admitRunning(fn: FunctionRecord, limits: Awaited<ReturnType<OrgLimitsOf>> | undefined): () => void {
    const keys = [fn.org, `${fn.org}/${fn.name}`];
    const [org, own] = keys.map((k) => this.running.get(k) ?? 0);
    const max = limits?.concurrentCalls ?? this.deps.quotas.maxConcurrentCallsPerOrg;
    if (org >= max) throw new TooManyRequests(`organization "${fn.org}" already runs ${max} calls at once, its concurrentCalls limit; retry shortly`, 1);
    if (fn.maxConcurrency !== null && own >= fn.maxConcurrency) {
      throw new TooManyRequests(`function "${fn.name}" already runs ${fn.maxConcurrency} calls at once, its maxConcurrency; retry shortly`, 1);
    }
    for (const k of keys) this.running.set(k, (this.running.get(k) ?? 0) + 1);
    return () => {
      for (const k of keys) {
        const now = (this.running.get(k) ?? 1) - 1;
        if (now > 0) this.running.set(k, now);
        else this.running.delete(k);
      }
    };
  }

  /** The alias's version for this call; a function not ready yet has nothing to choose from. */
  private serve(fn: FunctionRecord, alias = 'live'): Promise<Served> | Served {
    if (!this.deps.aliases || fn.status !== 'ready') return { fn, alias, canary: false };
    return this.deps.aliases.serve(fn, alias);
  }

  /** Records this call's activation once its outcome is known (the duration counts from now), and tells the alias router. */
  private recorder(served: Served, call: CallSpec, id: string) {
    const { fn, alias } = served;
    const start = new Date();
    const t0 = performance.now();
    const { trigger, attempt, capture, tick } = call;
    return (status: ActivationStatus, statusCode: number, logs: string[], cold: boolean, droppedHeaders: string[] = []): void => {
      const capped = capLogs(logs);
      (capture ?? ((r: ActivationRecord) => this.deps.activations.record(r)))({
        id,
        org: fn.org,
        function: fn.name,
        version: fn.version,
        alias,
        trigger,
        ...(attempt ? { attempt } : {}),
        ...(tick ? { tick } : {}),
        start,
        durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
        status,
        cold,
        memoryMb: fn.memoryMb,
        statusCode,
        logs: capped.logs,
        logsTruncated: capped.truncated,
        droppedHeaders,
      });
      this.deps.aliases?.observe(served, status);
    };
  }
}

/** A failed call's activation status and HTTP status: timeout 504, out of memory 502, a handler's error 502. */
function failureOf(err: unknown): [ActivationStatus, number] {
  if (err instanceof Timeout) return ['timeout', 504];
  if (err instanceof Upstream && err.cause === 'memory-limit') return ['memory', 502];
  return ['error', err instanceof AppError ? 502 : 500];
}
