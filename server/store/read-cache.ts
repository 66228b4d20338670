/**
 * Where other replicas write too (PostgreSQL): a mark per org that every write, on any replica, replaces once it has
 * committed (server/store/read-marks.ts). A kept answer is served only while the org's mark is the one it was read
 * under.
 */
export interface ReadMarks {
  /** The org's mark now ('' before its first write). */
  current(org: string): Promise<string>;
  /** Gives the org a new mark: called after each of its writes. */
  renew(org: string): Promise<void>;
}

interface Kept {
  mark: string;
  answer: Promise<unknown>;
}

/**
 * Answers of reads kept per org until a write of that org (issue 16). With the embedded store this process is the
 * only writer, so a read served from memory is as fresh as the store, and PGlite's one connection is left for the
 * writes. With PostgreSQL (ReadMarks given) a read first asks for the org's mark, one primary-key lookup instead of
 * the read's own queries, so a write on another replica is visible on the next read here too.
 *
 * A write is bracketed by write(): reads of the org while it runs go to the store and are not kept, and what was
 * kept is dropped before and after it (and the org's mark renewed), so a write is visible on the next read.
 * Concurrent reads of the same key share one store query.
 */
export class OrgReadCache {
  private readonly orgs = new Map<string, Map<string, Kept>>();
  private readonly writing = new Map<string, number>();
  private readonly maxOrgs: number;
  private readonly maxKeys: number;
  private readonly marks?: ReadMarks;

  constructor(
    readonly enabled: boolean,
    /** maxKeys: keys per org (e.g. pages of a list); beyond, the org's kept answers start over. */
    options: { maxOrgs?: number; maxKeys?: number; marks?: ReadMarks } = {},
  ) {
    this.maxOrgs = options.maxOrgs ?? 10_000;
    this.maxKeys = options.maxKeys ?? 100;
    this.marks = options.marks;
  }

  /** The kept answer of org/key, else load()'s (kept unless a write of the org runs or it failed). */
  read<T>(org: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled || this.writing.has(org)) return load();
    if (!this.marks) return this.keep(org, key, '', load);
    return this.marks.current(org).then((mark) => (this.writing.has(org) ? load() : this.keep(org, key, mark, load)));
  }

  private keep<T>(org: string, key: string, mark: string, load: () => Promise<T>): Promise<T> {
    let entries = this.orgs.get(org);
    const hit = entries?.get(key);
    if (hit?.mark === mark) return hit.answer as Promise<T>;
    if (!entries) {
      if (this.orgs.size >= this.maxOrgs) this.orgs.clear();
      entries = new Map();
      this.orgs.set(org, entries);
    } else if (entries.size >= this.maxKeys) {
      entries.clear();
    }
    const kept: Kept = { mark, answer: load() };
    entries.set(key, kept);
    kept.answer.catch(() => {
      if (this.orgs.get(org)?.get(key) === kept) this.orgs.get(org)?.delete(key);
    });
    return kept.answer as Promise<T>;
  }

  /**
   * Runs a write of the org: nothing read meanwhile is kept, and the next read, here or (with marks) on another
   * replica, goes to the store. A mark that cannot be renewed fails the call (the write itself has committed).
   */
  async write<T>(org: string, work: () => Promise<T>): Promise<T> {
    this.writing.set(org, (this.writing.get(org) ?? 0) + 1);
    this.orgs.delete(org);
    let wrote = false;
    try {
      const done = await work();
      wrote = true;
      return done;
    } finally {
      // Renewed whether or not the work threw (it may have written part); a failed renewal fails only a good write.
      const renewal = await this.marks?.renew(org).then(() => undefined, (err: unknown) => err as Error);
      const left = (this.writing.get(org) ?? 1) - 1;
      if (left > 0) this.writing.set(org, left);
      else this.writing.delete(org);
      this.orgs.delete(org);
      if (renewal && wrote) throw renewal;
    }
  }

  /** Drops what is kept for the org (a write that was not bracketed, e.g. another org's data changed it). */
  forget(org: string): void {
    this.orgs.delete(org);
  }
}
