import type { OrgLimits } from '../../contract/limits';
import { Invalid, TooManyRequests, type FieldError } from '../errors';

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
 * Calls started per org and second on this replica (the provider's callsPerSecond; 0 = no limit). A fixed
 * one-second window: simple, and a burst at a window's edge allows at most twice the limit.
 */
export class CallRate {
  private readonly windows = new Map<string, { second: number; calls: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts the call, or refuses it (429) naming the limit. */
  admit(org: string, perSecond: number): void {
    if (perSecond <= 0) return;
    const second = Math.floor(this.now() / 1000);
    const w = this.windows.get(org);
    if (!w || w.second !== second) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(org, { second, calls: 1 });
      return;
    }
    if (w.calls >= perSecond) {
      throw new TooManyRequests(`organization "${org}" started ${perSecond} calls this second, its callsPerSecond limit set by the provider; retry shortly`, 1);
    }
    w.calls += 1;
  }
}
