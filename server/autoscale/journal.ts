import { RuleUpdateSchema, ThresholdsSchema, type RuleChange, type RuleFieldChange, type RuleInput } from '../../contract/autoscale';
import type { Db, Queryable } from '../store/db';

/** Who made a change: from the caller's vCD session (never from the request body). */
export interface ChangeAuthor {
  user: string;
  org: string;
}

interface ChangeRow {
  id: string | number;
  rule_id: string;
  at: Date | string;
  action: RuleChange['action'];
  user_name: string;
  user_org: string;
  changes: RuleFieldChange[] | string;
}

/** The contract's field order (the wizard's), so a journal entry reads the same whatever order the store keeps keys in. */
const FIELD_ORDER = Object.keys(RuleUpdateSchema.shape).flatMap((k) => (k === 'scaleOut' || k === 'scaleIn' ? Object.keys(ThresholdsSchema.shape).map((s) => `${k}.${s}`) : [k]));
const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);

/** A rule's fields flattened to the dotted paths its validation errors use (`scaleOut.cpuPercent`), in contract order. */
function flatten(spec: Partial<RuleInput>): Map<string, unknown> {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (value !== null && typeof value === 'object') for (const [sub, v] of Object.entries(value)) out.push([`${key}.${sub}`, v]);
    else out.push([key, value]);
  }
  return new Map(out.sort(([a], [b]) => rank(a) - rank(b)));
}

/** JSON with object keys sorted: the store's jsonb keeps keys in its own order, so a nested value (a hook) compares by content. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** Before → after of every field that differs; a field new to the rule has before null. */
export function fieldChanges(before: Partial<RuleInput> | null, after: RuleInput): RuleFieldChange[] {
  const old = flatten(before ?? {});
  const changes: RuleFieldChange[] = [];
  for (const [field, value] of flatten(after)) {
    const was = old.has(field) ? old.get(field) : null;
    if (canonical(was) !== canonical(value)) changes.push({ field, before: was, after: value });
  }
  // An optional field the change dropped (a lifecycle hook taken away): after null.
  for (const [field, was] of old) if (!changes.some((c) => c.field === field) && !flatten(after).has(field)) changes.push({ field, before: was, after: null });
  return changes;
}

export interface JournalEntry {
  action: RuleChange['action'];
  author: ChangeAuthor;
  changes: RuleFieldChange[];
}

/** Writes one journal entry; called by RuleStore inside the transaction that changes the rule. */
export async function recordChange(db: Queryable, org: string, ruleId: string, entry: JournalEntry): Promise<void> {
  await db.query(`INSERT INTO autoscale_rule_history (org, rule_id, action, user_name, user_org, changes) VALUES ($1, $2, $3, $4, $5, $6)`, [
    org,
    ruleId,
    entry.action,
    entry.author.user,
    entry.author.org,
    JSON.stringify(entry.changes),
  ]);
}

/** The change journal of rules (migration 033), read side; every query filters by org. */
export class RuleJournal {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  async list(org: string, ruleId: string, page: { limit: number; offset: number }): Promise<{ items: RuleChange[]; total: number }> {
    const { rows } = await this.db.query<ChangeRow>(
      `SELECT id, rule_id, at, action, user_name, user_org, changes FROM autoscale_rule_history WHERE org = $1 AND rule_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [org, ruleId, page.limit, page.offset],
    );
    const count = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM autoscale_rule_history WHERE org = $1 AND rule_id = $2`, [org, ruleId]);
    return {
      items: rows.map((r) => ({
        id: String(r.id),
        ruleId: r.rule_id,
        at: new Date(r.at).toISOString(),
        action: r.action,
        user: r.user_name,
        userOrg: r.user_org,
        changes: typeof r.changes === 'string' ? (JSON.parse(r.changes) as RuleFieldChange[]) : r.changes,
      })),
      total: Number(count.rows[0].n),
    };
  }
}
