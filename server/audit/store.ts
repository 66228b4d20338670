import type { AuditEntry, AuditQuery } from '../../contract/audit';
import type { Db } from '../store/db';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

interface Row {
  id: string | number;
  at: Date | string;
  org: string;
  actor_user: string;
  actor_org: string;
  actor_role: 'provider' | 'tenant';
  kind: AuditEntry['kind'];
  action: AuditEntry['action'];
  target: string;
  fields: string[] | string;
  secrets: AuditEntry['secrets'] | string;
  before: AuditEntry['before'] | string;
  after: AuditEntry['after'] | string;
}

const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const toEntry = (r: Row): AuditEntry => ({
  id: String(r.id),
  at: new Date(r.at).toISOString(),
  org: r.org,
  actor: { user: r.actor_user, org: r.actor_org, role: r.actor_role },
  kind: r.kind,
  action: r.action,
  target: r.target,
  fields: parsed(r.fields),
  secrets: parsed(r.secrets),
  before: parsed(r.before),
  after: parsed(r.after),
});
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** audit_log in SQL; every read names its org filter (a tenant's is always its own). */
export class AuditStore {
  constructor(private readonly db: Db) {}

  async insert(e: NewAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (org, actor_user, actor_org, actor_role, kind, action, target, fields, secrets, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [e.org, e.actor.user, e.actor.org, e.actor.role, e.kind, e.action, e.target, JSON.stringify(e.fields), json(e.secrets), json(e.before), json(e.after)],
    );
  }

  async list(q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.org) add('org = ?', q.org.toLowerCase());
    if (q.user) add('lower(actor_user) = lower(?)', q.user);
    if (q.kind) add('kind = ?', q.kind);
    if (q.since) add('at >= ?', q.since);
    if (q.until) add('at < ?', q.until);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { rows: counted } = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM audit_log ${clause}`, params);
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: rows.map(toEntry), total: Number(counted[0].n) };
  }

  /** Drops entries older than the cutoff; answers how many. */
  async prune(before: Date): Promise<number> {
    const { rows } = await this.db.query('DELETE FROM audit_log WHERE at < $1 RETURNING id', [before.toISOString()]);
    return rows.length;
  }
}
