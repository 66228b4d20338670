import { randomUUID } from 'node:crypto';
import type { ActivationStatus } from '../../contract/functions';
import { AppError, NotReady, Timeout, TooManyRequests, Upstream } from '../errors';
import type { VcdNotification } from '../vcd/notification';
import { capLogs } from './activations';
import type { FunctionEvent, FunctionVersion, HttpEvent, InvokeFailureDetails, InvokeResult } from './ports';
import type { FunctionsServiceDeps } from './service';
import { applyResponsePolicy, type SafeAnswer } from './response-policy';
import type { FunctionRecord } from './store';
import { bodyBytes, orgUuidOf, versionKey, type Runnable } from './views';

/** What a call answers: the handler's result, its function, the body as sent, and the activation recorded for it. */
export type CallResult = InvokeResult & { function: string; payload: string | undefined; activationId: string };

/** Event claims are kept this long: a redelivery of the same eventId within it runs nothing. */
const EVENT_CLAIM_MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Calls of functions, whatever triggered them (an HTTP route, a vCD notification): the org's concurrency quota,
 * the runtime, the response cap and one activation record per call.
 */
export class FunctionCalls {
  /** Decrypted env per version key: secrets are opened once per version and replica, not per call. */
  private readonly envs = new Map<string, Record<string, string>>();
  private readonly running = new Map<string, number>();
  private readonly eventRuns = new Set<Promise<void>>();
  private lastClaimPrune = 0;

  constructor(private readonly deps: FunctionsServiceDeps) {}

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

  /** Runs a function's serving version under the org's concurrency quota and records the activation. */
  async run(
    fn: FunctionRecord,
    call: { trigger: 'http' | 'event'; event: FunctionEvent; requestId: string; onReady?: () => void },
  ): Promise<CallResult> {
    const { org } = fn;
    const activationId = randomUUID();
    const start = new Date();
    const t0 = performance.now();
    const record = (status: ActivationStatus, statusCode: number, logs: string[], cold: boolean, droppedHeaders: string[] = []) => {
      const capped = capLogs(logs);
      this.deps.activations.record({
        id: activationId,
        org,
        function: fn.name,
        version: fn.version,
        trigger: call.trigger,
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
    };
    const withId = <E extends Error>(err: E): E => Object.assign(err, { activationId });
    if (fn.status !== 'ready') {
      const why = fn.status === 'failed' ? `failed to build: ${fn.error?.message ?? 'unknown error'}` : 'is still initializing';
      record('rejected', 503, [], false);
      throw withId(new NotReady(`function "${fn.name}" ${why}`));
    }
    const max = this.deps.quotas.maxConcurrentCallsPerOrg;
    const running = this.running.get(org) ?? 0;
    if (running >= max) {
      record('rejected', 429, [], false);
      throw withId(new TooManyRequests(`organization "${org}" already runs ${max} calls at once, its quota; retry shortly`, 1));
    }
    call.onReady?.();
    this.running.set(org, running + 1);
    let result: InvokeResult;
    try {
      const context = { org, functionName: fn.name, requestId: call.requestId };
      result = await this.deps.runtime.invoke(this.runnable(fn), call.event, context);
    } catch (err) {
      const details = (err ?? {}) as InvokeFailureDetails;
      const [status, code]: [ActivationStatus, number] =
        err instanceof Timeout
          ? ['timeout', 504]
          : err instanceof Upstream && err.cause === 'memory-limit'
            ? ['memory', 502]
            : ['error', err instanceof AppError ? 502 : 500];
      record(status, code, details.logs ?? [], details.cold ?? false);
      throw err instanceof Error ? withId(err) : err;
    } finally {
      const now = (this.running.get(org) ?? 1) - 1;
      if (now > 0) this.running.set(org, now);
      else this.running.delete(org);
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
      safe = applyResponsePolicy(result, { functionName: fn.name, org, route: fn.route, path: call.trigger === 'http' ? (call.event as HttpEvent).path : undefined });
    } catch (err) {
      record('error', 502, result.logs, result.cold ?? false);
      throw withId(err as Error);
    }
    record('success', safe.statusCode, result.logs, result.cold ?? false, safe.dropped);
    return { ...result, statusCode: safe.statusCode, headers: safe.headers, function: fn.name, payload, activationId };
  }

  /** What the runtime runs: the version with env and its opened secrets (cached per version key). */
  runnable(r: Runnable): FunctionVersion {
    const key = versionKey(r);
    let env = this.envs.get(key);
    if (!env) {
      env = { ...r.env, ...this.deps.secrets.open(r.secrets) };
      if (this.envs.size >= 1000) this.envs.clear();
      this.envs.set(key, env);
    }
    return { key, name: r.name, runtime: r.runtime, sandbox: r.sandbox, mode: r.mode ?? undefined, egress: r.egress, code: r.code, memoryMb: r.memoryMb, timeoutMs: r.timeoutMs, env };
  }
}
