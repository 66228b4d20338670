import type { Decision } from '../../contract/autoscale';
import type { Queryable } from '../store/db';

/** What autoscale tells about one org: how many rules, how many enabled, and the newest decision of any rule. */
export interface AutoscaleOrgFigures {
  rules: number;
  enabled: number;
  lastDecision: (Pick<Decision, 'action' | 'reason' | 'desired' | 'current'> & { rule: string; at: string }) | null;
}

const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Decision;

/**
 * Many orgs' rule counts and newest decisions in two statements (the decision is the one the rules list shows for
 * that rule as lastDecision). server/compose/ hands this to the provider feature.
 */
export function autoscaleOrgFigures(db: Queryable) {
  return async (orgs: string[]): Promise<Map<string, AutoscaleOrgFigures>> => {
    const out = new Map<string, AutoscaleOrgFigures>(orgs.map((o) => [o, { rules: 0, enabled: 0, lastDecision: null }]));
    if (!orgs.length) return out;
    const [counts, decisions] = await Promise.all([
      db.query<{ org: string; rules: number | string; enabled: number | string }>(
        `SELECT org, count(*) AS rules, count(*) FILTER (WHERE enabled) AS enabled FROM autoscale_rules WHERE org = ANY($1::text[]) GROUP BY org`,
        [orgs],
      ),
      db.query<{ org: string; name: string; at: Date | string; data: unknown }>(
        `SELECT DISTINCT ON (e.org) e.org, r.name, e.at, e.data FROM autoscale_events e
           JOIN autoscale_rules r ON r.org = e.org AND r.id = e.rule_id
          WHERE e.org = ANY($1::text[]) AND e.kind = 'decision' ORDER BY e.org, e.id DESC`,
        [orgs],
      ),
    ]);
    for (const r of counts.rows) {
      const f = out.get(r.org);
      if (f) Object.assign(f, { rules: Number(r.rules), enabled: Number(r.enabled) });
    }
    for (const r of decisions.rows) {
      const f = out.get(r.org);
      const d = parsed(r.data);
      if (f && d) f.lastDecision = { rule: r.name, action: d.action, reason: d.reason, desired: d.desired, current: d.current, at: new Date(r.at).toISOString() };
    }
    return out;
  };
}
