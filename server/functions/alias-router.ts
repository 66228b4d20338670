import type { Logger } from 'pino';
import { LIVE_ALIAS, type ActivationStatus, type Traffic } from '../../contract/functions';
import { NotFound } from '../errors';
import { trafficOf, type AliasState, type AliasStore } from './alias-store';
import type { FunctionRecord, FunctionStore, VersionRecord } from './store';

/** The version of a traffic list a random number in [0, 1) picks: the first while r * 100 is below its weight, and so on. */
export function pickVersion(traffic: Traffic, r: number): number {
  let edge = 0;
  for (const t of traffic) {
    edge += t.weight;
    if (r * 100 < edge) return t.version;
  }
  return traffic.find((t) => t.weight > 0)?.version ?? traffic[0].version;
}

/** What serves one call: the function as the chosen version, through which alias, and whether that is the canary. */
export interface Served {
  fn: FunctionRecord;
  alias: string;
  canary: boolean;
}

export interface AliasRouterDeps {
  aliases: AliasStore;
  store: Pick<FunctionStore, 'getVersion'>;
  /** Writes this replica's queued activation records (the error rate counts them). */
  flush(): Promise<void>;
  log: Logger;
  /** How long a replica uses an alias without asking the store again (as the route cache); 0: every call. */
  cacheTtlMs: number;
  /** A number in [0, 1) per call (tests give a seeded one). */
  random?: () => number;
}

/**
 * Sends each call of an alias to one of its versions by weight, and watches a canary with an automatic rollback:
 * after each call the canary served, the canary's error rate over the window is counted from the activations, and
 * above the threshold (with at least minCalls calls) the alias rolls back by itself (AliasStore.autoRollback, once
 * across replicas).
 */
export class AliasRouter {
  private readonly cache = new Map<string, { at: number; states: AliasState[] }>();
  private readonly versions = new Map<string, VersionRecord>();
  private readonly checking = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: AliasRouterDeps) {}

  /** Forgets the function's cached aliases (they changed on this replica). */
  forget(org: string, name: string): void {
    this.cache.delete(`${org}/${name}`);
  }

  /** The version that serves this call of the alias (live when none is named); 404 for an alias the function lacks. */
  async serve(fn: FunctionRecord, alias = LIVE_ALIAS): Promise<Served> {
    const state = (await this.states(fn.org, fn.name)).find((s) => s.alias === alias);
    if (!state && alias !== LIVE_ALIAS) throw new NotFound(`function "${fn.name}" has no alias "${alias}"`);
    const traffic = trafficOf(state, fn.version);
    const version = pickVersion(traffic, (this.deps.random ?? Math.random)());
    const canary = traffic.length === 2 && version === traffic[1].version;
    if (version === fn.version) return { fn, alias, canary };
    const v = await this.version(fn, version);
    // A version no longer ready (rolled back to and rebuilding): the function's current version serves instead.
    if (!v) return { fn, alias, canary: false };
    const { runtime, sandbox, mode, egress, code, memoryMb, timeoutMs, env, secrets, secretNames, status, error } = v;
    return { fn: { ...fn, version, runtime, sandbox, mode, egress, code, memoryMb, timeoutMs, env, secrets, secretNames, status, error }, alias, canary };
  }

  /** After a call: when the canary served it and the alias rolls back by itself, counts the canary's error rate (once at a time). */
  observe(served: Served, status: ActivationStatus): void {
    if (!served.canary || status === 'rejected') return;
    const key = `${served.fn.org}/${served.fn.name}/${served.alias}`;
    if (this.checking.has(key)) {
      this.again.add(key);
      return;
    }
    const run = this.check(served)
      .catch((err: Error) => this.deps.log.warn({ org: served.fn.org, function: served.fn.name, alias: served.alias, err: err.message }, 'canary check failed'))
      .finally(() => {
        this.checking.delete(key);
        if (this.again.delete(key)) this.observe(served, status);
      });
    this.checking.set(key, run);
  }

  /** Resolves when the checks started so far have finished (graceful close, tests). */
  async settled(): Promise<void> {
    while (this.checking.size) await Promise.allSettled([...this.checking.values()]);
  }

  private async check({ fn, alias }: Served): Promise<void> {
    this.forget(fn.org, fn.name);
    const state = (await this.states(fn.org, fn.name)).find((s) => s.alias === alias);
    if (!state?.autoRollback || state.canaryVersion !== fn.version || state.canaryWeight === 0) return;
    const { errorRatePercent, windowSeconds, minCalls } = state.autoRollback;
    await this.deps.flush();
    const { calls, errors } = await this.deps.aliases.errorRate(fn.org, fn.name, alias, fn.version, windowSeconds);
    const rate = calls ? (errors * 100) / calls : 0;
    if (calls < minCalls || rate <= errorRatePercent) return;
    const numbers = { version: fn.version, calls, errors, errorRatePercent: Math.round(rate * 100) / 100, thresholdPercent: errorRatePercent, windowSeconds, minCalls };
    // live's stable version is the function's current one (the served record is the canary's).
    const current = state.version ?? (await this.deps.aliases.currentVersion(fn.org, fn.name)) ?? fn.version;
    if (await this.deps.aliases.autoRollback(fn.org, fn.name, alias, numbers, current)) {
      this.forget(fn.org, fn.name);
      this.deps.log.warn({ org: fn.org, function: fn.name, alias, ...numbers }, 'canary rolled back by itself: error rate over the threshold');
    }
  }

  private async states(org: string, name: string): Promise<AliasState[]> {
    const key = `${org}/${name}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.deps.cacheTtlMs) return hit.states;
    const states = await this.deps.aliases.list(org, name);
    if (this.cache.size >= 10_000) this.cache.clear();
    if (this.deps.cacheTtlMs > 0) this.cache.set(key, { at: Date.now(), states });
    return states;
  }

  /** A ready version's record (immutable once ready, so kept), or undefined when it is not ready. */
  private async version({ org, name, createdAt }: FunctionRecord, version: number): Promise<VersionRecord | undefined> {
    // The function's creation time in the key: a function deleted and made again has other versions under the same numbers.
    const key = `${org}/${name}@${version}/${createdAt.getTime()}`;
    const hit = this.versions.get(key);
    if (hit) return hit;
    const v = await this.deps.store.getVersion(org, name, version);
    if (!v || v.status !== 'ready') return undefined;
    if (this.versions.size >= 1000) this.versions.clear();
    this.versions.set(key, v);
    return v;
  }
}
