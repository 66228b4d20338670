/** The store port: one SQL dialect (PostgreSQL), served by PGlite (embedded) or pg (a server). */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A text PostgreSQL cannot keep (a NUL, an invalid sequence): the caller's input, not the store's fault. */
export function isUnstorableText(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
  return code === '22021' || code === '22P05';
}

/** PostgreSQL's unique_violation, as both drivers report it. */
export function isUniqueViolation(err: unknown): err is { code: string; constraint?: string } {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
