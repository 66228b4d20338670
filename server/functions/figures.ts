import type { Queryable } from '../store/db';

/** What the functions feature tells about one org: its functions by build status and its calls in a range. */
export interface FunctionOrgFigures {
  functions: { total: number; ready: number; failed: number; initializing: number };
  usage: { calls: number; errors: number; gbSeconds: number };
}

const empty = (): FunctionOrgFigures => ({
  functions: { total: 0, ready: 0, failed: 0, initializing: 0 },
  usage: { calls: 0, errors: 0, gbSeconds: 0 },
});

/**
 * Many orgs' figures in two statements (the provider's overview asks for every org at once). A function's status is
 * its latest version's build, as the functions list shows it; calls are the activations this feature keeps (pruned
 * per function by count and age, like the activations page). server/compose/ hands it to the provider feature.
 */
export function functionOrgFigures(options: { db: Queryable; flush: () => Promise<void> }) {
  const { db } = options;
  return async (orgs: string[], since: Date): Promise<Map<string, FunctionOrgFigures>> => {
    const out = new Map(orgs.map((o) => [o, empty()]));
    if (!orgs.length) return out;
    // Calls are queued before they are written (ActivationStore): this replica's own calls count, as on the activations page.
    await options.flush();
    const [statuses, calls] = await Promise.all([
      db.query<{ org: string; status: string; n: number | string }>(
        `SELECT f.org, COALESCE(v.status, f.status) AS status, count(*) AS n FROM functions f
           LEFT JOIN function_versions v ON v.org = f.org AND v.name = f.name AND v.version = f.latest_version
          WHERE f.org = ANY($1::text[]) GROUP BY 1, 2`,
        [orgs],
      ),
      db.query<{ org: string; calls: number | string; errors: number | string; gb_seconds: number | string | null }>(
        `SELECT org, count(*) AS calls, count(*) FILTER (WHERE status <> 'success') AS errors,
                SUM(memory_mb / 1024.0 * duration_ms / 1000.0) AS gb_seconds
           FROM activations WHERE org = ANY($1::text[]) AND start >= $2 GROUP BY org`,
        [orgs, since.toISOString()],
      ),
    ]);
    for (const r of statuses.rows) {
      const f = out.get(r.org)?.functions;
      if (!f) continue;
      const n = Number(r.n);
      f.total += n;
      if (r.status === 'ready' || r.status === 'failed' || r.status === 'initializing') f[r.status] += n;
    }
    for (const r of calls.rows) {
      const u = out.get(r.org)?.usage;
      if (!u) continue;
      u.calls = Number(r.calls);
      u.errors = Number(r.errors);
      u.gbSeconds = Math.round(Number(r.gb_seconds ?? 0) * 1000) / 1000;
    }
    return out;
  };
}
