import type { AutoRollback, HistoryEntryView, HistoryKind, RollbackNumbers, Traffic } from '../../contract/functions';
import type { Db, Queryable } from '../store/db';
import { json, lockFunction, POINT_AT, type FunctionRecord } from './records';

/** An alias as stored: live keeps no version (its stable version is the function's current one). */
export interface AliasState {
  alias: string;
  version: number | null;
  canaryVersion: number | null;
  canaryWeight: number;
  autoRollback: AutoRollback | null;
  updatedAt: Date;
}

interface AliasRow {
  alias: string;
  version: number | null;
  canary_version: number | null;
  canary_weight: number;
  auto_rollback: AutoRollback | string | null;
  updated_at: Date | string;
}

interface HistoryRow {
  id: string | number;
  alias: string;
  kind: HistoryKind;
  before: Traffic | string | null;
  after: Traffic | string | null;
  numbers: RollbackNumbers | string | null;
  at: Date | string;
}

const toState = (r: AliasRow): AliasState => ({
  alias: r.alias,
  version: r.version,
  canaryVersion: r.canary_version,
  canaryWeight: r.canary_weight,
  autoRollback: r.auto_rollback ? json(r.auto_rollback) : null,
  updatedAt: new Date(r.updated_at),
});

const toEntry = (r: HistoryRow): HistoryEntryView => ({
  id: String(r.id),
  alias: r.alias,
  kind: r.kind,
  ...(r.before ? { before: json(r.before) } : {}),
  ...(r.after ? { after: json(r.after) } : {}),
  ...(r.numbers ? { numbers: json(r.numbers) } : {}),
  at: new Date(r.at).toISOString(),
});

/** The versions and weights an alias sends its calls to: the stable version first, then the canary. */
export function trafficOf(state: Pick<AliasState, 'version' | 'canaryVersion' | 'canaryWeight'> | undefined, current: number): Traffic {
  const stable = state?.version ?? current;
  if (!state?.canaryVersion) return [{ version: stable, weight: 100 }];
  return [
    { version: stable, weight: 100 - state.canaryWeight },
    { version: state.canaryVersion, weight: state.canaryWeight },
  ];
}

/** What a change inside the function's lock decides: the alias afterwards (null: deleted), the history, a pointer move. */
export interface AliasChange {
  after: Omit<AliasState, 'updatedAt'> | null;
  kind: HistoryKind;
  /** live only: the version the function serves from now on (as rollback does). */
  pointAt?: number;
}

export interface ChangeContext {
  tx: Queryable;
  fn: FunctionRecord;
  before: AliasState | undefined;
}

/** Aliases and the function history in SQL; every query names the org. */
export class AliasStore {
  constructor(private readonly db: Db) {}

  async list(org: string, name: string): Promise<AliasState[]> {
    const { rows } = await this.db.query<AliasRow>('SELECT * FROM function_aliases WHERE org = $1 AND name = $2 ORDER BY alias', [org, name]);
    return rows.map(toState);
  }

  async get(org: string, name: string, alias: string): Promise<AliasState | undefined> {
    const { rows } = await this.db.query<AliasRow>('SELECT * FROM function_aliases WHERE org = $1 AND name = $2 AND alias = $3', [org, name, alias]);
    return rows[0] && toState(rows[0]);
  }

  /** The function's current version (live's stable one), or undefined when it was deleted. */
  async currentVersion(org: string, name: string): Promise<number | undefined> {
    const { rows } = await this.db.query<{ version: number }>('SELECT version FROM functions WHERE org = $1 AND name = $2', [org, name]);
    return rows[0]?.version;
  }

  /** The status of each of the function's versions asked for (absent: no such version). */
  async versionStatus(q: Queryable, org: string, name: string, versions: number[]): Promise<Map<number, string>> {
    const { rows } = await q.query<{ version: number; status: string }>(
      'SELECT version, status FROM function_versions WHERE org = $1 AND name = $2 AND version = ANY($3::int[])',
      [org, name, versions],
    );
    return new Map(rows.map((r) => [r.version, r.status]));
  }

  /**
   * Changes one alias under the function's row lock: `decide` sees the function and the alias as they are and answers
   * the change (or throws, and nothing is stored); the alias row, the pointer move and the history entry are written
   * in the same transaction. Answers undefined when the function does not exist.
   */
  async change(org: string, name: string, alias: string, decide: (c: ChangeContext) => Promise<AliasChange>): Promise<{ fn: FunctionRecord; after: AliasState | null } | undefined> {
    return this.db.transaction(async (tx) => {
      const fn = await lockFunction(tx, org, name);
      if (!fn) return undefined;
      const found = await tx.query<AliasRow>('SELECT * FROM function_aliases WHERE org = $1 AND name = $2 AND alias = $3', [org, name, alias]);
      const before = found.rows[0] && toState(found.rows[0]);
      const change = await decide({ tx, fn, before });
      let current = fn.version;
      if (change.pointAt !== undefined && change.pointAt !== fn.version) {
        await tx.query('UPDATE functions SET latest_version = $3, updated_at = now() WHERE org = $1 AND name = $2', [org, name, change.pointAt]);
        await tx.query(POINT_AT, [org, name, change.pointAt]);
        current = change.pointAt;
      }
      const after = change.after ? await this.write(tx, org, name, change.after) : null;
      if (!change.after) await tx.query('DELETE FROM function_aliases WHERE org = $1 AND name = $2 AND alias = $3', [org, name, alias]);
      await this.remember(tx, org, name, alias, change.kind, {
        before: before || alias === 'live' ? trafficOf(before, fn.version) : undefined,
        after: after ? trafficOf(after, current) : undefined,
      });
      return { fn: { ...fn, version: current }, after };
    });
  }

  /**
   * Sets the canary's weight to 0 when it is still that version with traffic: a conditional UPDATE, so of replicas
   * that saw the same error rate only one rolls back and records it. Answers whether this caller did.
   */
  async autoRollback(org: string, name: string, alias: string, numbers: RollbackNumbers, current: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The weight before, read in the same statement: the UPDATE's condition decides which replica rolls back.
      const { rows } = await tx.query<AliasRow & { old_weight: number }>(
        `WITH old AS (SELECT canary_weight FROM function_aliases WHERE org = $1 AND name = $2 AND alias = $3)
         UPDATE function_aliases SET canary_weight = 0, updated_at = now()
         WHERE org = $1 AND name = $2 AND alias = $3 AND canary_version = $4 AND canary_weight > 0
         RETURNING *, (SELECT canary_weight FROM old) AS old_weight`,
        [org, name, alias, numbers.version],
      );
      if (!rows[0]) return false;
      const after = toState(rows[0]);
      const before = trafficOf({ ...after, canaryWeight: rows[0].old_weight }, current);
      await this.remember(tx, org, name, alias, 'auto-rolled-back', { before, after: trafficOf(after, current), numbers });
      return true;
    });
  }

  /** Calls and failed calls of one version through one alias within the last windowSeconds (rejected calls not counted). */
  async errorRate(org: string, name: string, alias: string, version: number, windowSeconds: number): Promise<{ calls: number; errors: number }> {
    const { rows } = await this.db.query<{ calls: number | string; errors: number | string }>(
      `SELECT count(*)::int AS calls,
              count(*) FILTER (WHERE status IN ('error', 'timeout', 'memory') OR status_code >= 500)::int AS errors
       FROM activations WHERE org = $1 AND function = $2 AND alias = $3 AND version = $4 AND status <> 'rejected'
       AND start > now() - make_interval(secs => $5)`,
      [org, name, alias, version, windowSeconds],
    );
    return { calls: Number(rows[0]?.calls ?? 0), errors: Number(rows[0]?.errors ?? 0) };
  }

  async history(org: string, name: string, page: { limit: number; offset: number }): Promise<{ items: HistoryEntryView[]; total: number }> {
    const [items, count] = await Promise.all([
      this.db.query<HistoryRow>('SELECT * FROM function_history WHERE org = $1 AND name = $2 ORDER BY id DESC LIMIT $3 OFFSET $4', [org, name, page.limit, page.offset]),
      this.db.query<{ total: number | string }>('SELECT count(*)::int AS total FROM function_history WHERE org = $1 AND name = $2', [org, name]),
    ]);
    return { items: items.rows.map(toEntry), total: Number(count.rows[0]?.total ?? 0) };
  }

  private async write(tx: Queryable, org: string, name: string, s: Omit<AliasState, 'updatedAt'>): Promise<AliasState> {
    const { rows } = await tx.query<AliasRow>(
      `INSERT INTO function_aliases (org, name, alias, version, canary_version, canary_weight, auto_rollback)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org, name, alias) DO UPDATE SET version = $4, canary_version = $5, canary_weight = $6, auto_rollback = $7, updated_at = now()
       RETURNING *`,
      [org, name, s.alias, s.version, s.canaryVersion, s.canaryWeight, s.autoRollback ? JSON.stringify(s.autoRollback) : null],
    );
    return toState(rows[0]);
  }

  private async remember(
    tx: Queryable,
    org: string,
    name: string,
    alias: string,
    kind: HistoryKind,
    what: { before?: Traffic; after?: Traffic; numbers?: RollbackNumbers },
  ): Promise<void> {
    await tx.query('INSERT INTO function_history (org, name, alias, kind, before, after, numbers) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      org,
      name,
      alias,
      kind,
      what.before ? JSON.stringify(what.before) : null,
      what.after ? JSON.stringify(what.after) : null,
      what.numbers ? JSON.stringify(what.numbers) : null,
    ]);
  }
}
