import type { ContainerFunctionVersion, DropInstance, Instance, StartInstance } from './types';

export interface SpareContainersOptions {
  start: StartInstance;
  drop: DropInstance;
  /** A spare unused this long is removed (scale to zero). */
  idleMs: number;
}

/**
 * Per-call mode's head start: after each call of a version the container for its next call is created and started
 * at once, so that call does not wait for it. At most one spare per version; it is used for one call only.
 */
export class SpareContainers {
  private readonly spares = new Map<string, { instance: Promise<Instance>; since: number }>();
  private closed = false;

  constructor(private readonly options: SpareContainersOptions) {}

  /** The version's spare, if one was prepared; it is no longer a spare afterwards. */
  take(key: string): Promise<Instance> | undefined {
    const spare = this.spares.get(key);
    this.spares.delete(key);
    return spare?.instance;
  }

  /** Starts the container for the next call of this version, unless one is already there or starting. */
  prepare(fn: ContainerFunctionVersion): void {
    if (this.closed || this.spares.has(fn.key)) return;
    const instance = this.options.start(fn);
    instance.catch(() => this.spares.get(fn.key)?.instance === instance && this.spares.delete(fn.key));
    this.spares.set(fn.key, { instance, since: Date.now() });
  }

  has(key: string): boolean {
    return this.spares.has(key);
  }

  /** Removes the spares prepared longer than idleMs ago. */
  sweep(now: number): void {
    for (const [key, spare] of this.spares) {
      if (now - spare.since < this.options.idleMs) continue;
      this.spares.delete(key);
      this.options.drop(spare.instance);
    }
  }

  /** Removes the spares of versions whose key starts with the prefix. */
  evict(keyPrefix: string): void {
    for (const [key, spare] of this.spares) {
      if (!key.startsWith(keyPrefix)) continue;
      this.spares.delete(key);
      this.options.drop(spare.instance);
    }
  }

  /** Removes every spare and prepares none from now on. */
  close(): void {
    this.closed = true;
    this.evict('');
  }
}
