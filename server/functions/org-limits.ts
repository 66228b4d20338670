import type { OrgLimits } from '../../contract/limits';
import { Invalid, TooManyRequests, type FieldError } from '../errors';
import type { RateWindows } from '../store/rate-windows';

/** A new version within the provider's limits for its org; each refusal names the limit and its value. */
export function checkOrgLimits(
  limits: OrgLimits | undefined,
  v: { memoryMb: number; timeoutMs: number; sandbox: string; egress: boolean },
): void {
  if (!limits) return;
  const errors: FieldError[] = [];
  const over = (path: string, message: string) => errors.push({ path, message: `${message} set by the provider` });
  if (v.memoryMb > limits.memoryMb) over('limits.memoryMb', `memoryMb ${v.memoryMb} is over this org's limit of ${limits.memoryMb} MB`);
  if (v.timeoutMs > limits.timeoutMs) over('limits.timeoutMs', `timeoutMs ${v.timeoutMs} is over this org's limit of ${limits.timeoutMs} ms`);
  if (v.sandbox === 'container' && !limits.containerRuntime) over('sandbox', 'a container runtime is not allowed for this org (containerRuntime: false)');
  if (v.egress && !limits.egress) over('network.egress', 'outbound network is not allowed for this org (egress: false)');
  if (errors.length) throw new Invalid(`over the org's limits: ${errors.map((e) => e.message).join('; ')}`, errors);
}

/**
 * Calls started per second, per org (the provider's callsPerSecond) and per function (functionCallsPerSecond);
 * 0 = no limit. Counted through the RateWindows port: in the store, every replica on one PostgreSQL gives the same
 * answer. A fixed one-second window: simple, and a burst at a window's edge allows at most twice the limit.
 */
export class CallRate {
  constructor(
    private readonly windows: RateWindows,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the call, or refuses it (429 with Retry-After) naming the limit it is over; a refused call counts nothing. */
  async admit(org: string, fn: string, limits: RateLimits | undefined): Promise<void> {
    const checks = this.checks(org, fn, limits);
    if (!checks.length) return;
    const keys = checks.map((c) => c.key);
    const hits = await this.windows.hit(keys, 1000);
    const over = checks.findIndex((c, i) => hits[i].hits > c.max);
    if (over < 0) return;
    await this.windows.undo(keys, 1000);
    const c = checks[over];
    const retryAfter = Math.max(1, Math.ceil((hits[over].resetAt - this.now()) / 1000));
    throw new TooManyRequests(`${c.what} started ${c.max} calls this second, its ${c.limit} limit set by the provider; retry in ${retryAfter} s`, retryAfter);
  }

  /** Takes back a call counted by admit() that another limit then refused. */
  async undo(org: string, fn: string, limits: RateLimits | undefined): Promise<void> {
    const keys = this.checks(org, fn, limits).map((c) => c.key);
    if (keys.length) await this.windows.undo(keys, 1000);
  }

  private checks(org: string, fn: string, limits: RateLimits | undefined) {
    return [
      { key: `calls:org:${org}`, max: limits?.callsPerSecond ?? 0, what: `organization "${org}"`, limit: 'callsPerSecond' },
      { key: `calls:fn:${org}/${fn}`, max: limits?.functionCallsPerSecond ?? 0, what: `function "${fn}"`, limit: 'functionCallsPerSecond' },
    ].filter((c) => c.max > 0);
  }
}

type RateLimits = Pick<OrgLimits, 'callsPerSecond' | 'functionCallsPerSecond'>;
