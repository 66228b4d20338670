import type { Db, Queryable } from '../store/db';

/** One usage/cost record as collectors produce it; (org, sourceId, naturalKey, periodStart) identifies it. */
export interface CostRecord {
  org: string;
  sourceId: string;
  naturalKey: string;
  periodStart: Date;
  periodEnd: Date;
  resourceKind?: string;
  resourceId?: string;
  resourceName?: string;
  vappId?: string;
  vappName?: string;
  service: string;
  metric?: string;
  quantity?: number;
  unit?: string;
  /** Minor units (cents). */
  cost: number;
  currency: string;
}

const BATCH = 2000;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const monthOf = (d: Date) => `${d.toISOString().slice(0, 7)}-01`;

/** A stable 32-bit number for pg_advisory_xact_lock from a string. */
function lockKey(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

interface OldRow {
  natural_key: string;
  period_start: Date | string;
  service: string;
  currency: string;
  cost: string | number;
}

/**
 * Writes records idempotently (INSERT … ON CONFLICT by natural key and period) and moves the daily and monthly
 * rollups by the difference, all in one transaction; one writer per (org, source) at a time.
 * Returns how many records were new or changed.
 */
export async function writeCosts(db: Db, records: CostRecord[]): Promise<number> {
  if (!records.length) return 0;
  const bySource = new Map<string, CostRecord[]>();
  for (const r of records) {
    const k = `${r.org}\u0000${r.sourceId}`;
    const list = bySource.get(k) ?? [];
    list.push(r);
    bySource.set(k, list);
  }
  let written = 0;
  await db.transaction(async (tx) => {
    for (const [key, list] of [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [20, lockKey(key)]);
      for (let i = 0; i < list.length; i += BATCH) written += await writeBatch(tx, dedupe(list.slice(i, i + BATCH)));
    }
  });
  return written;
}

/** The last record of a key wins within one call (ON CONFLICT may not touch a row twice in one statement). */
function dedupe(list: CostRecord[]): CostRecord[] {
  const m = new Map<string, CostRecord>();
  for (const r of list) m.set(`${r.naturalKey}\u0000${r.periodStart.getTime()}`, r);
  return [...m.values()];
}

async function writeBatch(tx: Queryable, list: CostRecord[]): Promise<number> {
  const { org, sourceId } = list[0];
  const keys = list.map((r) => r.naturalKey);
  const starts = list.map((r) => r.periodStart.toISOString());
  const { rows: old } = await tx.query<OldRow>(
    `SELECT c.natural_key, c.period_start, c.service, c.currency, c.cost
       FROM showback_costs c JOIN unnest($3::text[], $4::timestamptz[]) AS k(natural_key, period_start)
         ON c.natural_key = k.natural_key AND c.period_start = k.period_start
      WHERE c.org = $1 AND c.source_id = $2`,
    [org, sourceId, keys, starts],
  );
  const oldByKey = new Map(old.map((o) => [`${o.natural_key}\u0000${new Date(o.period_start).getTime()}`, o]));

  const { rows: changed } = await tx.query<{ natural_key: string }>(
    `INSERT INTO showback_costs (org, source_id, natural_key, period_start, period_end, resource_kind, resource_id,
        resource_name, vapp_id, vapp_name, service, metric, quantity, unit, cost, currency)
     SELECT $1, $2, * FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::text[], $15::bigint[], $16::text[])
     ON CONFLICT (org, source_id, natural_key, period_start) DO UPDATE SET
        period_end = EXCLUDED.period_end, resource_kind = EXCLUDED.resource_kind, resource_id = EXCLUDED.resource_id,
        resource_name = EXCLUDED.resource_name, vapp_id = EXCLUDED.vapp_id, vapp_name = EXCLUDED.vapp_name,
        service = EXCLUDED.service, metric = EXCLUDED.metric, quantity = EXCLUDED.quantity, unit = EXCLUDED.unit,
        cost = EXCLUDED.cost, currency = EXCLUDED.currency
      WHERE (showback_costs.period_end, showback_costs.resource_kind, showback_costs.resource_id, showback_costs.resource_name,
             showback_costs.vapp_id, showback_costs.vapp_name, showback_costs.service, showback_costs.metric,
             showback_costs.quantity, showback_costs.unit, showback_costs.cost, showback_costs.currency)
        IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.resource_kind, EXCLUDED.resource_id, EXCLUDED.resource_name,
             EXCLUDED.vapp_id, EXCLUDED.vapp_name, EXCLUDED.service, EXCLUDED.metric, EXCLUDED.quantity, EXCLUDED.unit,
             EXCLUDED.cost, EXCLUDED.currency)
     RETURNING natural_key`,
    [
      org,
      sourceId,
      keys,
      starts,
      list.map((r) => r.periodEnd.toISOString()),
      list.map((r) => r.resourceKind ?? ''),
      list.map((r) => r.resourceId ?? ''),
      list.map((r) => r.resourceName ?? ''),
      list.map((r) => r.vappId ?? ''),
      list.map((r) => r.vappName ?? ''),
      list.map((r) => r.service),
      list.map((r) => r.metric ?? ''),
      list.map((r) => r.quantity ?? 0),
      list.map((r) => r.unit ?? ''),
      list.map((r) => String(Math.round(r.cost))),
      list.map((r) => r.currency),
    ],
  );
  if (!changed.length) return 0;

  // Rollup deltas: minus what a changed row was, plus what it is now.
  const deltas = new Map<string, { day: string; month: string; service: string; currency: string; cost: number }>();
  const add = (start: Date, service: string, currency: string, cost: number) => {
    const day = dayOf(start);
    const k = `${day}\u0000${service}\u0000${currency}`;
    const d = deltas.get(k) ?? { day, month: monthOf(start), service, currency, cost: 0 };
    d.cost += cost;
    deltas.set(k, d);
  };
  for (const r of list) {
    const o = oldByKey.get(`${r.naturalKey}\u0000${r.periodStart.getTime()}`);
    if (o) add(new Date(o.period_start), o.service, o.currency, -Number(o.cost));
    add(r.periodStart, r.service, r.currency, Math.round(r.cost));
  }
  const moves = [...deltas.values()].filter((d) => d.cost !== 0);
  if (moves.length) {
    for (const [table, col, pick] of [
      ['showback_daily', 'day', (d: (typeof moves)[number]) => d.day],
      ['showback_monthly', 'month', (d: (typeof moves)[number]) => d.month],
    ] as const) {
      await tx.query(
        `INSERT INTO ${table} (org, ${col}, service, source_id, currency, cost)
         SELECT $1, k, s, $2, c, SUM(v) FROM unnest($3::date[], $4::text[], $5::text[], $6::bigint[]) AS t(k, s, c, v)
          GROUP BY k, s, c
         ON CONFLICT (org, ${col}, service, source_id, currency) DO UPDATE SET cost = ${table}.cost + EXCLUDED.cost`,
        [org, sourceId, moves.map(pick), moves.map((d) => d.service), moves.map((d) => d.currency), moves.map((d) => String(d.cost))],
      );
    }
  }
  return changed.length;
}
