import { Timeout, TooManyRequests, Upstream } from '../../../errors';
import type { InvokeResult } from '../../ports';
import type { ContainerFunctionVersion, DropInstance, Instance, StartInstance } from './types';

export interface WarmPoolsOptions {
  start: StartInstance;
  drop: DropInstance;
  /** Warm containers per function version at most. */
  maxWarm: number;
  /** Calls waiting for a warm container at most; one more is answered 429. */
  maxQueue: number;
  /** A warm container unused this long is removed: scale to zero. */
  idleMs: number;
}

interface Pool {
  idle: Instance[];
  /** Containers of the version, idle, busy or starting. */
  total: number;
  /** Calls waiting for a container; resolved with one, or with undefined to start one of their own. */
  waiters: Array<{ resolve: (i: Instance | undefined) => void }>;
}

/** A container that timed out, ran out of memory or was stopped is not reused. */
const reusableAfter = (err: unknown): boolean =>
  !(err instanceof Timeout) && !(err instanceof Upstream && ['memory-limit', 'interrupted'].includes(err.cause));

/**
 * Warm mode: per version a queue and up to maxWarm containers, each running one call at a time and kept for the
 * next; a call finding all busy waits (429 beyond maxQueue waiting); idle containers go after idleMs.
 */
export class WarmPools {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(private readonly options: WarmPoolsOptions) {}

  /** Runs one call in a warm container of the version (cold when the call had to start it). */
  async run(fn: ContainerFunctionVersion, call: (instance: Instance, cold: boolean) => Promise<InvokeResult>): Promise<InvokeResult> {
    let pool = this.pools.get(fn.key);
    if (!pool) this.pools.set(fn.key, (pool = { idle: [], total: 0, waiters: [] }));
    const got = await this.acquire(fn, pool);
    if (!got) return this.run(fn, call);
    const { instance, cold } = got;
    let healthy = false;
    try {
      const result = await call(instance, cold);
      healthy = true;
      return { ...result, cold };
    } catch (err) {
      healthy = reusableAfter(err);
      throw err;
    } finally {
      this.release(fn.key, pool, instance, healthy);
    }
  }

  /** An idle container, a new one while under maxWarm, or one handed over by a finishing call (undefined: retry). */
  private async acquire(fn: ContainerFunctionVersion, pool: Pool): Promise<{ instance: Instance; cold: boolean } | undefined> {
    const idle = pool.idle.pop();
    if (idle) return { instance: idle, cold: false };
    if (pool.total < this.options.maxWarm) {
      pool.total++;
      try {
        return { instance: await this.options.start(fn), cold: true };
      } catch (err) {
        pool.total--;
        this.handOver(pool);
        throw err;
      }
    }
    const { maxWarm, maxQueue } = this.options;
    if (pool.waiters.length >= maxQueue) {
      throw new TooManyRequests(`function "${fn.name}" is busy: ${maxWarm} containers and ${maxQueue} queued calls`, 1);
    }
    const handed = await new Promise<Instance | undefined>((resolve) => pool.waiters.push({ resolve }));
    return handed && { instance: handed, cold: false };
  }

  /** After a call: a healthy container goes to the next waiter or back to idle; another one is removed. */
  private release(key: string, pool: Pool, instance: Instance, healthy: boolean): void {
    if (healthy && !this.closed && this.pools.get(key) === pool) {
      instance.lastUsed = Date.now();
      const waiter = pool.waiters.shift();
      if (waiter) waiter.resolve(instance);
      else pool.idle.push(instance);
    } else {
      pool.total--;
      this.options.drop(instance);
      this.handOver(pool);
    }
  }

  /** A slot freed: the next waiter starts a container of its own (resolve undefined → retry). */
  private handOver(pool: Pool): void {
    pool.waiters.shift()?.resolve(undefined);
  }

  /** Containers of the version, idle, busy or starting. */
  total(key: string): number {
    return this.pools.get(key)?.total ?? 0;
  }

  /** Scale to zero: idle containers unused for idleMs are removed. */
  sweep(now: number): void {
    for (const [key, pool] of this.pools) {
      const keep = pool.idle.filter((i) => now - i.lastUsed < this.options.idleMs);
      for (const i of pool.idle) {
        if (keep.includes(i)) continue;
        pool.total--;
        this.options.drop(i);
      }
      pool.idle = keep;
      if (pool.total === 0 && pool.waiters.length === 0) this.pools.delete(key);
    }
  }

  /** Removes the idle containers of versions whose key starts with the prefix; busy ones go when their call ends. */
  evict(keyPrefix: string): void {
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(keyPrefix)) continue;
      this.pools.delete(key);
      for (const i of pool.idle) this.options.drop(i);
      pool.idle = [];
    }
  }

  /** Removes every idle container; a busy one is removed when its call ends. */
  close(): void {
    this.closed = true;
    this.evict('');
  }
}
