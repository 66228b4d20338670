import type { Queryable } from './db';
import type { ReadMarks } from './read-cache';

/**
 * The read cache's marks in the store's read_marks table (migration 068), one row per scope (e.g. the rule list,
 * the showback summary) and org: every replica on one PostgreSQL sees the same mark.
 */
export class StoreReadMarks implements ReadMarks {
  constructor(
    private readonly db: Queryable,
    private readonly scope: string,
  ) {}

  async current(org: string): Promise<string> {
    const { rows } = await this.db.query<{ mark: string }>(`SELECT mark FROM read_marks WHERE scope = $1 AND org = $2`, [this.scope, org]);
    return rows[0]?.mark ?? '';
  }

  async renew(org: string): Promise<void> {
    await this.db.query(
      `INSERT INTO read_marks (scope, org, mark) VALUES ($1, $2, gen_random_uuid()) ON CONFLICT (scope, org) DO UPDATE SET mark = EXCLUDED.mark`,
      [this.scope, org],
    );
  }
}
