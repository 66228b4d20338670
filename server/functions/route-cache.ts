import type { FunctionRecord } from './store';

/**
 * Ready functions by org and request path, so a warm invoke does not pay a store round trip (PGlite takes
 * milliseconds per query). Local writes clear the org at once; another replica's writes show within ttlMs.
 */
export class RouteCache {
  private readonly entries = new Map<string, { fn: FunctionRecord; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(org: string, path: string): FunctionRecord | undefined {
    const key = `${org}\0${path}`;
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt > Date.now()) return hit.fn;
    this.entries.delete(key);
    return undefined;
  }

  /** Only ready functions are kept: a status change made elsewhere must show on the next call. */
  set(org: string, path: string, fn: FunctionRecord): void {
    if (this.ttlMs <= 0 || fn.status !== 'ready') return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(`${org}\0${path}`, { fn, expiresAt: Date.now() + this.ttlMs });
  }

  forgetOrg(org: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${org}\0`)) this.entries.delete(key);
  }
}
