import type { OrgLimitsOverride } from '../../contract/limits';
import type { Db } from '../store/db';

/** The default's key in provider_limits; no vCD org name can be "*". */
export const DEFAULT_SCOPE = '*';

export interface LimitsRow {
  /** DEFAULT_SCOPE or an org key (lower-cased name). */
  org: string;
  limits: OrgLimitsOverride;
  updatedAt: string;
  updatedBy: string;
}

interface Row {
  org: string;
  limits: OrgLimitsOverride | string;
  updated_at: Date | string;
  updated_by: string;
}

const toRow = (r: Row): LimitsRow => ({
  org: r.org,
  limits: typeof r.limits === 'string' ? (JSON.parse(r.limits) as OrgLimitsOverride) : r.limits,
  updatedAt: new Date(r.updated_at).toISOString(),
  updatedBy: r.updated_by,
});

/** provider_limits in SQL: the whole table is small (one row per org with an override), so it is read whole. */
export class LimitsStore {
  constructor(private readonly db: Db) {}

  async all(): Promise<LimitsRow[]> {
    const { rows } = await this.db.query<Row>('SELECT org, limits, updated_at, updated_by FROM provider_limits ORDER BY org');
    return rows.map(toRow);
  }

  async put(org: string, limits: OrgLimitsOverride, by: string): Promise<LimitsRow> {
    const { rows } = await this.db.query<Row>(
      `INSERT INTO provider_limits (org, limits, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (org) DO UPDATE SET limits = EXCLUDED.limits, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING org, limits, updated_at, updated_by`,
      [org, JSON.stringify(limits), by],
    );
    return toRow(rows[0]);
  }

  async remove(org: string): Promise<boolean> {
    const { rows } = await this.db.query('DELETE FROM provider_limits WHERE org = $1 RETURNING org', [org]);
    return rows.length > 0;
  }
}
