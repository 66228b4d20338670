import { randomUUID } from 'node:crypto';
import type { Decision, Rule, RuleEvent, RuleInput, RuleSummary } from '../../contract/autoscale';
import type { Db, Queryable } from '../store/db';
import { OrgReadCache } from '../store/read-cache';
import type { DecisionHistory } from './decide';
import { recordChange, type JournalEntry } from './journal';

interface RuleRow {
  id: string;
  spec: RuleInput;
  enabled: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}
interface EventRow {
  id: string | number;
  rule_id: string;
  at: Date | string;
  kind: RuleEvent['kind'];
  message: string;
  data: Record<string, unknown>;
}

interface SummaryRow extends RuleRow {
  decided_at: Date | string | null;
  decision: (Decision & Record<string, unknown>) | string | null;
}

/** The vApp uuid a rule scales, as SQL: the same key as the unique index of migration 032 and uuidOf(). */
const VAPP_KEY = `lower(regexp_replace(regexp_replace(spec->>'vAppId', '^.*:', ''), '^vapp-', '', 'i'))`;

const iso = (d: Date | string) => new Date(d).toISOString();
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const toRule = (r: RuleRow): Rule => ({ ...parsed(r.spec), enabled: r.enabled, id: r.id, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) });

/** How many raw recommendations a rule keeps: enough for a stabilization window of evaluations. */
const MAX_RECOMMENDATIONS = 200;

/**
 * Rules, their decision history and events; every query filters by org (the org name lower-cased). The rule list
 * (with each rule's latest decision) is read through the org's read cache: every write of rules or events below
 * goes through it.
 */
export class RuleStore {
  constructor(
    private readonly db: Db,
    private readonly cache = new OrgReadCache(false),
  ) {}

  /** The rule, its (empty) decision state and its journal entry: all or nothing. */
  async insert(org: string, spec: RuleInput, change?: JournalEntry): Promise<Rule> {
    const id = randomUUID();
    return this.cache.write(org, () => this.db.transaction(async (tx) => {
      const { rows } = await tx.query<RuleRow>(
        `INSERT INTO autoscale_rules (id, org, name, spec, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING id, spec, enabled, created_at, updated_at`,
        [id, org, spec.name, JSON.stringify(spec), spec.enabled],
      );
      await tx.query(`INSERT INTO autoscale_state (rule_id, org) VALUES ($1, $2)`, [id, org]);
      if (change) await recordChange(tx, org, id, change);
      return toRule(rows[0]);
    }));
  }

  /**
   * The rule's spec and its journal entry in one transaction. The decision state (last scale action, recommendations)
   * is another table and stays: an edited rule keeps its cooldown and stabilization window.
   */
  async update(org: string, id: string, spec: RuleInput, change?: JournalEntry): Promise<Rule | null> {
    return this.cache.write(org, () => this.db.transaction(async (tx: Queryable) => {
      const { rows } = await tx.query<RuleRow>(
        `UPDATE autoscale_rules SET name = $3, spec = $4, enabled = $5, updated_at = now() WHERE org = $1 AND id = $2
         RETURNING id, spec, enabled, created_at, updated_at`,
        [org, id, spec.name, JSON.stringify(spec), spec.enabled],
      );
      if (!rows[0]) return null;
      if (change && change.changes.length > 0) await recordChange(tx, org, id, change);
      return toRule(rows[0]);
    }));
  }

  async remove(org: string, id: string): Promise<boolean> {
    const { rows } = await this.cache.write(org, () => this.db.query(`DELETE FROM autoscale_rules WHERE org = $1 AND id = $2 RETURNING id`, [org, id]));
    return rows.length > 0;
  }

  async get(org: string, id: string): Promise<Rule | null> {
    const { rows } = await this.db.query<RuleRow>(
      `SELECT id, spec, enabled, created_at, updated_at FROM autoscale_rules WHERE org = $1 AND id = $2`,
      [org, id],
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  /** Rules by name, each with its latest journalled decision. */
  list(org: string, page: { limit: number; offset: number }): Promise<{ items: RuleSummary[]; total: number }> {
    return this.cache.read(org, `rules:${page.limit}:${page.offset}`, () => this.readList(org, page));
  }

  private async readList(org: string, page: { limit: number; offset: number }): Promise<{ items: RuleSummary[]; total: number }> {
    const { rows } = await this.db.query<SummaryRow>(
      `SELECT r.id, r.spec, r.enabled, r.created_at, r.updated_at, d.at AS decided_at, d.data AS decision
       FROM autoscale_rules r
       LEFT JOIN LATERAL (
         SELECT e.at, e.data FROM autoscale_events e WHERE e.org = r.org AND e.rule_id = r.id AND e.kind = 'decision' ORDER BY e.id DESC LIMIT 1
       ) d ON true
       WHERE r.org = $1 ORDER BY r.name LIMIT $2 OFFSET $3`,
      [org, page.limit, page.offset],
    );
    const count = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM autoscale_rules WHERE org = $1`, [org]);
    const items = rows.map((r): RuleSummary => {
      const d = r.decision === null ? null : parsed(r.decision);
      return {
        ...toRule(r),
        lastDecision: d && r.decided_at !== null ? { action: d.action, desired: d.desired, current: d.current, reason: d.reason, detail: d.detail, at: iso(r.decided_at) } : null,
      };
    });
    return { items, total: Number(count.rows[0].n) };
  }

  /** Rules that already have this name or scale this vApp (by its uuid). */
  async clashing(org: string, wanted: { name: string; vAppUuid: string }): Promise<{ id: string; name: string; vAppUuid: string }[]> {
    const { rows } = await this.db.query<{ id: string; name: string; vapp: string }>(
      `SELECT id, name, ${VAPP_KEY} AS vapp FROM autoscale_rules WHERE org = $1 AND (name = $2 OR ${VAPP_KEY} = $3)`,
      [org, wanted.name, wanted.vAppUuid.toLowerCase()],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, vAppUuid: r.vapp }));
  }

  async history(org: string, id: string): Promise<DecisionHistory> {
    const { rows } = await this.db.query<{ last_scale_at: Date | string | null; recommendations: DecisionHistory['recommendations'] | string }>(
      `SELECT last_scale_at, recommendations FROM autoscale_state WHERE org = $1 AND rule_id = $2`,
      [org, id],
    );
    if (!rows[0]) return { lastScaleAt: null, recommendations: [] };
    return {
      lastScaleAt: rows[0].last_scale_at === null ? null : new Date(rows[0].last_scale_at).getTime(),
      recommendations: parsed(rows[0].recommendations),
    };
  }

  /** Remembers a recommendation (and a scale action when there was one). */
  async remember(org: string, id: string, history: DecisionHistory, entry: { at: number; desired: number }, scaled: boolean): Promise<void> {
    const recommendations = [...history.recommendations, entry].slice(-MAX_RECOMMENDATIONS);
    await this.db.query(
      `UPDATE autoscale_state SET recommendations = $3, last_scale_at = CASE WHEN $4 THEN $5::timestamptz ELSE last_scale_at END
       WHERE org = $1 AND rule_id = $2`,
      [org, id, JSON.stringify(recommendations), scaled, new Date(entry.at).toISOString()],
    );
  }

  async addEvent(org: string, ruleId: string, event: { kind: RuleEvent['kind']; message: string; data?: Record<string, unknown> }): Promise<void> {
    const sql = `INSERT INTO autoscale_events (org, rule_id, kind, message, data) VALUES ($1, $2, $3, $4, $5)`;
    await this.cache.write(org, () => this.db.query(sql, [org, ruleId, event.kind, event.message, JSON.stringify(event.data ?? {})]));
  }

  async events(org: string, ruleId: string, page: { limit: number; offset: number }): Promise<{ items: RuleEvent[]; total: number }> {
    const { rows } = await this.db.query<EventRow>(
      `SELECT id, rule_id, at, kind, message, data FROM autoscale_events WHERE org = $1 AND rule_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [org, ruleId, page.limit, page.offset],
    );
    const count = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM autoscale_events WHERE org = $1 AND rule_id = $2`, [org, ruleId]);
    return {
      items: rows.map((r) => ({ id: String(r.id), ruleId: r.rule_id, at: iso(r.at), kind: r.kind, message: r.message, data: parsed(r.data) })),
      total: Number(count.rows[0].n),
    };
  }

  /** Orgs with a rule named `resource` or of that id: where an alert without a tenant (an SNMP trap) belongs. */
  async orgsWithRule(resource: string): Promise<string[]> {
    const { rows } = await this.db.query<{ org: string }>(`SELECT DISTINCT org FROM autoscale_rules WHERE name = $1 OR id = $1 ORDER BY org`, [resource]);
    return rows.map((r) => r.org);
  }

  /** Rules an alert speaks of: its resource is named like the rule (the monitoring group) or is the rule's vApp. */
  async matching(org: string, alert: { resourceName?: string; resourceId?: string }): Promise<Rule[]> {
    const { rows } = await this.db.query<RuleRow>(
      `SELECT id, spec, enabled, created_at, updated_at FROM autoscale_rules
       WHERE org = $1 AND (name = $2 OR id = $3 OR spec->>'vAppId' = $3 OR spec->>'vropsGroupId' = $3)`,
      [org, alert.resourceName ?? '', alert.resourceId ?? ''],
    );
    return rows.map(toRule);
  }

  /** Enabled rules scaling a vApp, in any org (vCD's pushed metrics name the vApp only). */
  async enabledForVapp(vAppUuid: string): Promise<{ org: string; rule: Rule }[]> {
    const { rows } = await this.db.query<RuleRow & { org: string }>(
      `SELECT org, id, spec, enabled, created_at, updated_at FROM autoscale_rules WHERE enabled AND ${VAPP_KEY} = $1`,
      [vAppUuid.toLowerCase()],
    );
    return rows.map((r) => ({ org: r.org, rule: toRule(r) }));
  }
}
