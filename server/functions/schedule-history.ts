import { Router, type Response } from 'express';
import type { ScheduleTickList, ScheduleTickView } from '../../contract/functions';
import { PageQuerySchema } from '../../contract/problem';
import { NotFound, parseOrThrow } from '../errors';
import type { Db } from '../store/db';

interface TickRow {
  schedule: string;
  tick: Date | string;
  kind: 'run' | 'missed';
  activation_id: string | null;
  missed: number | null;
  missed_from: Date | string | null;
}

const iso = (v: Date | string): string => new Date(v).toISOString();

function toTickView(r: TickRow): ScheduleTickView {
  const cut = r.schedule.lastIndexOf('|');
  return {
    schedule: { cron: r.schedule.slice(0, cut), timezone: r.schedule.slice(cut + 1) },
    tick: iso(r.tick),
    kind: r.kind,
    ...(r.activation_id ? { activationId: r.activation_id } : {}),
    ...(r.missed ? { missed: r.missed } : {}),
    ...(r.missed_from ? { missedFrom: iso(r.missed_from) } : {}),
  };
}

/** GET .../functions/{name}/ticks: the function's scheduled runs and missed-tick reports, newest first; the org's only. */
export async function scheduleHistory(db: Db, org: string, name: string, query: unknown): Promise<ScheduleTickList> {
  const page = parseOrThrow(PageQuerySchema, query, 'invalid query');
  const fn = await db.query('SELECT 1 FROM functions WHERE org = $1 AND name = $2', [org, name]);
  if (!fn.rows.length) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
  const [items, count] = await Promise.all([
    db.query<TickRow>('SELECT * FROM function_schedule_ticks WHERE org = $1 AND name = $2 ORDER BY tick DESC, schedule LIMIT $3 OFFSET $4', [
      org,
      name,
      page.limit,
      page.offset,
    ]),
    db.query<{ total: number }>('SELECT count(*)::int AS total FROM function_schedule_ticks WHERE org = $1 AND name = $2', [org, name]),
  ]);
  return { items: items.rows.map(toTickView), total: Number(count.rows[0]?.total ?? 0) };
}

/** /api/org/{org}/faas/functions/{name}/ticks (mounted after auth and tenancy, beside functionsRoutes). */
export function scheduleRoutes(db: Db): Router {
  const router = Router({ mergeParams: true });
  const org = (res: Response): string => res.locals.org as string;
  router.get('/functions/:name/ticks', async (req, res) => {
    res.locals.function = req.params.name;
    res.json(await scheduleHistory(db, org(res), String(req.params.name), req.query));
  });
  return router;
}
