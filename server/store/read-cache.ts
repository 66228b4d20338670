/**
 * Answers of reads kept per org until a write of that org (issue 16): with the embedded store this process is the
 * only writer, so a read served from memory is as fresh as the store, and PGlite's one connection is left for the
 * writes. Off (every read goes to the store) where other replicas write too (PostgreSQL).
 *
 * A write is bracketed by write(): reads of the org while it runs go to the store and are not kept, and what was
 * kept is dropped before and after it, so a write is visible on the next read. Concurrent reads of the same key
 * share one store query.
 */
export class OrgReadCache {
  private readonly orgs = new Map<string, Map<string, Promise<unknown>>>();
  private readonly writing = new Map<string, number>();

  constructor(
    readonly enabled: boolean,
    private readonly maxOrgs = 10_000,
    /** Keys per org (e.g. pages of a list): beyond, the org's kept answers start over. */
    private readonly maxKeys = 100,
  ) {}

  /** The kept answer of org/key, else load()'s (kept unless a write of the org runs or it failed). */
  read<T>(org: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled || this.writing.has(org)) return load();
    let entries = this.orgs.get(org);
    const hit = entries?.get(key);
    if (hit) return hit as Promise<T>;
    if (!entries) {
      if (this.orgs.size >= this.maxOrgs) this.orgs.clear();
      entries = new Map();
      this.orgs.set(org, entries);
    } else if (entries.size >= this.maxKeys) {
      entries.clear();
    }
    const loading = load();
    entries.set(key, loading);
    loading.catch(() => {
      if (this.orgs.get(org)?.get(key) === loading) this.orgs.get(org)?.delete(key);
    });
    return loading;
  }

  /** Runs a write of the org: nothing read meanwhile is kept, and the next read goes to the store. */
  async write<T>(org: string, work: () => Promise<T>): Promise<T> {
    this.writing.set(org, (this.writing.get(org) ?? 0) + 1);
    this.orgs.delete(org);
    try {
      return await work();
    } finally {
      const left = (this.writing.get(org) ?? 1) - 1;
      if (left > 0) this.writing.set(org, left);
      else this.writing.delete(org);
      this.orgs.delete(org);
    }
  }

  /** Drops what is kept for the org (a write that was not bracketed, e.g. another org's data changed it). */
  forget(org: string): void {
    this.orgs.delete(org);
  }
}
