import type { AsyncConfig } from '../../contract/functions';
import type { Db } from '../store/db';
import type { BuildError } from './ports';
import {
  CONTENT_COLUMNS,
  contentParams,
  json,
  lockFunction,
  POINT_AT,
  toRecord,
  toVersion,
  type FunctionRecord,
  type NewFunction,
  type Row,
  type VersionContent,
  type VersionRecord,
} from './records';

export type { FunctionRecord, NewFunction, VersionContent, VersionRecord } from './records';

/** Functions and their versions in SQL; every query names the org. */
export class FunctionStore {
  constructor(private readonly db: Db) {}

  /** Inserts a new function with version 1, initializing; a unique violation surfaces as the driver's error (23505). */
  async insert(fn: NewFunction): Promise<FunctionRecord> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(
        `INSERT INTO functions (org, name, ${CONTENT_COLUMNS}, status, org_uuid, async, max_concurrency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'initializing', $16, $17, $18) RETURNING *`,
        [fn.org, fn.name, ...contentParams(fn), fn.orgUuid ?? null, JSON.stringify(fn.async ?? {}), fn.maxConcurrency ?? null],
      );
      await tx.query(
        `INSERT INTO function_versions (org, name, version, ${CONTENT_COLUMNS}, status)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'initializing')`,
        [fn.org, fn.name, ...contentParams(fn)],
      );
      return toRecord(rows[0]);
    });
  }

  /** Records the vCD org UUID of a function when it was not known or changed. */
  async rememberOrgUuid(org: string, name: string, orgUuid: string): Promise<void> {
    await this.db.query('UPDATE functions SET org_uuid = $3 WHERE org = $1 AND name = $2 AND org_uuid IS DISTINCT FROM $3', [org, name, orgUuid]);
  }

  /** Replaces a function's async settings. */
  async setAsync(org: string, name: string, config: AsyncConfig): Promise<void> {
    await this.db.query('UPDATE functions SET async = $3, updated_at = now() WHERE org = $1 AND name = $2', [org, name, JSON.stringify(config)]);
  }

  /** Sets or (null) removes a function's own cap on calls at once. */
  async setMaxConcurrency(org: string, name: string, max: number | null): Promise<void> {
    await this.db.query('UPDATE functions SET max_concurrency = $3, updated_at = now() WHERE org = $1 AND name = $2', [org, name, max]);
  }

  /** Functions of the vCD org (by UUID) whose serving version subscribes to the notification type. */
  async eventSubscribers(orgUuid: string, type: string): Promise<FunctionRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM functions WHERE org_uuid = $1 AND route IS NULL AND trigger->>'type' = 'event'
       AND trigger->'events' @> jsonb_build_array($2::text) ORDER BY org, name`,
      [orgUuid, type],
    );
    return rows.map(toRecord);
  }

  /** Functions of the org (by name) whose serving version subscribes to one of the product's own event types. */
  async productEventSubscribers(org: string, type: string): Promise<FunctionRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM functions WHERE org = $1 AND route IS NULL AND trigger->>'type' = 'event'
       AND trigger->'events' @> jsonb_build_array($2::text) ORDER BY name`,
      [org, type],
    );
    return rows.map(toRecord);
  }

  /** Claims one notification for one function: true the first time, false for a duplicate delivery. */
  async claimEvent(org: string, name: string, eventId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'INSERT INTO function_event_runs (org, name, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id',
      [org, name, eventId],
    );
    return rows.length === 1;
  }

  /** Gives a claim back (the run was refused, e.g. by the org's call quota): a redelivery may run it. */
  async releaseEvent(org: string, name: string, eventId: string): Promise<void> {
    await this.db.query('DELETE FROM function_event_runs WHERE org = $1 AND name = $2 AND event_id = $3', [org, name, eventId]);
  }

  /** Forgets claims older than the cutoff (a redelivery after that long would run again). */
  async pruneEventClaims(before: Date): Promise<void> {
    await this.db.query('DELETE FROM function_event_runs WHERE at < $1', [before.toISOString()]);
  }

  async count(org: string): Promise<number> {
    const { rows } = await this.db.query<{ total: number | string }>('SELECT count(*)::int AS total FROM functions WHERE org = $1', [org]);
    return Number(rows[0]?.total ?? 0);
  }

  /**
   * Adds the next version and makes it the one asked for. When the function has no ready version serving, it
   * points at the new one at once (its build state shows); otherwise the serving version stays until it builds.
   */
  async addVersion(org: string, name: string, c: VersionContent): Promise<VersionRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const fn = await lockFunction(tx, org, name);
      if (!fn) return undefined;
      const { rows } = await tx.query<Row>(
        `INSERT INTO function_versions (org, name, version, ${CONTENT_COLUMNS}, status)
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'initializing'
         FROM function_versions WHERE org = $1 AND name = $2 RETURNING *`,
        [org, name, ...contentParams(c)],
      );
      const v = toVersion(rows[0]);
      await tx.query('UPDATE functions SET latest_version = $3, updated_at = now() WHERE org = $1 AND name = $2', [org, name, v.version]);
      if (fn.status !== 'ready') await tx.query(POINT_AT, [org, name, v.version]);
      return v;
    });
  }

  /**
   * Rollback: makes an earlier version the one asked for. A ready version serves at once; another one is set to
   * initializing to be rebuilt (returned with rebuild true) and serves when that build succeeds.
   */
  async rollback(org: string, name: string, version: number): Promise<{ version?: VersionRecord; rebuild: boolean; found: boolean }> {
    return this.db.transaction(async (tx) => {
      const fn = await lockFunction(tx, org, name);
      if (!fn) return { found: false, rebuild: false };
      const { rows } = await tx.query<Row>('SELECT * FROM function_versions WHERE org = $1 AND name = $2 AND version = $3', [org, name, version]);
      if (!rows[0]) return { found: true, rebuild: false };
      let v = toVersion(rows[0]);
      const rebuild = v.status !== 'ready';
      if (rebuild) {
        const upd = await tx.query<Row>(
          `UPDATE function_versions SET status = 'initializing', error = NULL, build_log = ''
           WHERE org = $1 AND name = $2 AND version = $3 RETURNING *`,
          [org, name, version],
        );
        v = toVersion(upd.rows[0]);
      }
      await tx.query('UPDATE functions SET latest_version = $3, updated_at = now() WHERE org = $1 AND name = $2', [org, name, version]);
      if (!rebuild || fn.status !== 'ready') await tx.query(POINT_AT, [org, name, version]);
      return { found: true, version: v, rebuild };
    });
  }

  async get(org: string, name: string): Promise<FunctionRecord | undefined> {
    const { rows } = await this.db.query<Row>('SELECT * FROM functions WHERE org = $1 AND name = $2', [org, name]);
    return rows[0] && toRecord(rows[0]);
  }

  async getVersion(org: string, name: string, version: number): Promise<VersionRecord | undefined> {
    const { rows } = await this.db.query<Row>('SELECT * FROM function_versions WHERE org = $1 AND name = $2 AND version = $3', [
      org,
      name,
      version,
    ]);
    return rows[0] && toVersion(rows[0]);
  }

  async listVersions(org: string, name: string, page: { limit: number; offset: number }): Promise<{ items: VersionRecord[]; total: number }> {
    const [items, count] = await Promise.all([
      this.db.query<Row>('SELECT * FROM function_versions WHERE org = $1 AND name = $2 ORDER BY version DESC LIMIT $3 OFFSET $4', [
        org,
        name,
        page.limit,
        page.offset,
      ]),
      this.db.query<{ total: number | string }>('SELECT count(*)::int AS total FROM function_versions WHERE org = $1 AND name = $2', [org, name]),
    ]);
    return { items: items.rows.map(toVersion), total: Number(count.rows[0]?.total ?? 0) };
  }

  /** The function with its latest version, read in one statement (a build finishing between two reads would mix). */
  async getWithLatest(org: string, name: string): Promise<{ fn: FunctionRecord; latest?: VersionRecord } | undefined> {
    const { rows } = await this.db.query<Row & { latest_row: Row | string | null }>(
      `SELECT f.*, to_jsonb(v) AS latest_row FROM functions f
       LEFT JOIN function_versions v ON v.org = f.org AND v.name = f.name AND v.version = f.latest_version
       WHERE f.org = $1 AND f.name = $2`,
      [org, name],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { fn: toRecord(r), latest: r.latest_row ? toVersion(json(r.latest_row)) : undefined };
  }

  /** A page of functions with their latest versions, in one statement. */
  async listWithLatest(
    org: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: Array<{ fn: FunctionRecord; latest?: VersionRecord }>; total: number }> {
    const [items, count] = await Promise.all([
      this.db.query<Row & { latest_row: Row | string | null }>(
        `SELECT f.*, to_jsonb(v) AS latest_row FROM functions f
         LEFT JOIN function_versions v ON v.org = f.org AND v.name = f.name AND v.version = f.latest_version
         WHERE f.org = $1 ORDER BY f.name LIMIT $2 OFFSET $3`,
        [org, page.limit, page.offset],
      ),
      this.db.query<{ total: number | string }>('SELECT count(*)::int AS total FROM functions WHERE org = $1', [org]),
    ]);
    return {
      items: items.rows.map((r) => ({ fn: toRecord(r), latest: r.latest_row ? toVersion(json(r.latest_row)) : undefined })),
      total: Number(count.rows[0]?.total ?? 0),
    };
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

  /**
   * Records a build's outcome on its version, unless that version was deleted or is no longer building. A ready
   * build that is still the one asked for becomes the serving version; a failed one only shows on the function
   * when nothing else serves. Returns the function row afterwards, or undefined when nothing was recorded.
   */
  async finishBuild(
    fn: { org: string; name: string; version: number },
    outcome: { status: 'ready' | 'failed'; error?: BuildError; log?: string },
  ): Promise<FunctionRecord | undefined> {
    return this.db.transaction(async (tx) => {
      // The function row first, as delete (its cascade) and addVersion take them: the other order can deadlock.
      if (!(await lockFunction(tx, fn.org, fn.name))) return undefined;
      const { rows } = await tx.query<{ name: string }>(
        `UPDATE function_versions SET status = $4, error = $5, build_log = $6
         WHERE org = $1 AND name = $2 AND version = $3 AND status = 'initializing' RETURNING name`,
        [fn.org, fn.name, fn.version, outcome.status, outcome.error ? JSON.stringify(outcome.error) : null, outcome.log ?? ''],
      );
      if (!rows.length) return undefined;
      if (outcome.status === 'ready') {
        await tx.query(`${POINT_AT} AND f.latest_version = $3`, [fn.org, fn.name, fn.version]);
      } else {
        await tx.query(`UPDATE functions SET status = 'failed', error = $4, updated_at = now() WHERE org = $1 AND name = $2 AND version = $3`, [
          fn.org,
          fn.name,
          fn.version,
          JSON.stringify(outcome.error ?? { message: 'build failed' }),
        ]);
      }
      const after = await tx.query<Row>('SELECT * FROM functions WHERE org = $1 AND name = $2', [fn.org, fn.name]);
      return after.rows[0] && toRecord(after.rows[0]);
    });
  }

  /** Versions whose build never finished (e.g. the process stopped): across orgs, for the resume at start. */
  async listInitializing(): Promise<VersionRecord[]> {
    const { rows } = await this.db.query<Row>("SELECT * FROM function_versions WHERE status = 'initializing' ORDER BY created_at");
    return rows.map(toVersion);
  }
}
