import type { FunctionStatus } from '../../contract/functions';
import type { Db } from '../store/db';
import type { BuildError } from './ports';

export interface FunctionRecord {
  org: string;
  name: string;
  version: number;
  runtime: 'nodejs20';
  code: string;
  trigger: { type: 'http'; route: string; methods?: string[] };
  route: string;
  memoryMb: number;
  timeoutMs: number;
  status: FunctionStatus;
  error: BuildError | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewFunction = Omit<FunctionRecord, 'version' | 'status' | 'error' | 'createdAt' | 'updatedAt'>;

interface Row {
  org: string;
  name: string;
  version: number;
  runtime: 'nodejs20';
  code: string;
  trigger: FunctionRecord['trigger'] | string;
  route: string;
  memory_mb: number;
  timeout_ms: number;
  status: FunctionStatus;
  error: BuildError | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toRecord(r: Row): FunctionRecord {
  return {
    org: r.org,
    name: r.name,
    version: r.version,
    runtime: r.runtime,
    code: r.code,
    trigger: json(r.trigger),
    route: r.route,
    memoryMb: r.memory_mb,
    timeoutMs: r.timeout_ms,
    status: r.status,
    error: r.error === null ? null : json(r.error),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Functions in SQL; every query names the org. */
export class FunctionStore {
  constructor(private readonly db: Db) {}

  /** Inserts a new function as initializing; a unique violation surfaces as the driver's error (code 23505). */
  async insert(fn: NewFunction): Promise<FunctionRecord> {
    const { rows } = await this.db.query<Row>(
      `INSERT INTO functions (org, name, runtime, code, trigger, route, memory_mb, timeout_ms, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'initializing') RETURNING *`,
      [fn.org, fn.name, fn.runtime, fn.code, JSON.stringify(fn.trigger), fn.route, fn.memoryMb, fn.timeoutMs],
    );
    return toRecord(rows[0]);
  }

  async get(org: string, name: string): Promise<FunctionRecord | undefined> {
    const { rows } = await this.db.query<Row>('SELECT * FROM functions WHERE org = $1 AND name = $2', [org, name]);
    return rows[0] && toRecord(rows[0]);
  }

  async getByRoute(org: string, route: string): Promise<FunctionRecord | undefined> {
    const { rows } = await this.db.query<Row>('SELECT * FROM functions WHERE org = $1 AND route = $2', [org, route]);
    return rows[0] && toRecord(rows[0]);
  }

  /** The function whose route is the longest of the candidate routes (a path and its parent paths). */
  async matchRoute(org: string, candidates: string[]): Promise<FunctionRecord | undefined> {
    if (!candidates.length) return undefined;
    const { rows } = await this.db.query<Row>(
      'SELECT * FROM functions WHERE org = $1 AND route = ANY($2::text[]) ORDER BY length(route) DESC LIMIT 1',
      [org, candidates],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async list(org: string, page: { limit: number; offset: number }): Promise<{ items: FunctionRecord[]; total: number }> {
    const [items, count] = await Promise.all([
      this.db.query<Row>('SELECT * FROM functions WHERE org = $1 ORDER BY name LIMIT $2 OFFSET $3', [org, page.limit, page.offset]),
      this.db.query<{ total: number | string }>('SELECT count(*)::int AS total FROM functions WHERE org = $1', [org]),
    ]);
    return { items: items.rows.map(toRecord), total: Number(count.rows[0]?.total ?? 0) };
  }

  async delete(org: string, name: string): Promise<FunctionRecord | undefined> {
    const { rows } = await this.db.query<Row>('DELETE FROM functions WHERE org = $1 AND name = $2 RETURNING *', [org, name]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Records a build's outcome, unless the function was replaced or deleted meanwhile. */
  async finishBuild(fn: { org: string; name: string; version: number }, outcome: { status: 'ready' | 'failed'; error?: BuildError }): Promise<boolean> {
    const { rows } = await this.db.query<{ name: string }>(
      `UPDATE functions SET status = $4, error = $5, updated_at = now()
       WHERE org = $1 AND name = $2 AND version = $3 AND status = 'initializing' RETURNING name`,
      [fn.org, fn.name, fn.version, outcome.status, outcome.error ? JSON.stringify(outcome.error) : null],
    );
    return rows.length > 0;
  }

  /** Functions whose build never finished (e.g. the process stopped): across orgs, for the resume at start. */
  async listInitializing(): Promise<FunctionRecord[]> {
    const { rows } = await this.db.query<Row>("SELECT * FROM functions WHERE status = 'initializing' ORDER BY created_at");
    return rows.map(toRecord);
  }
}
