import type { Queryable } from '../store/db';

/** Calls and GB-seconds of one function on one UTC day (`YYYY-MM-DD`). */
export interface FunctionDayUsage {
  function: string;
  day: string;
  invocations: number;
  gbSeconds: number;
}

/** Usage of an org's functions per function and day, in a time range (end exclusive). */
export interface FunctionUsageReader {
  usage(org: string, range: { from: Date; to: Date }): Promise<FunctionDayUsage[]>;
}

/**
 * The functions feature's answer to "how much did an org's functions run": read from its own activations table
 * (one row per call), so no other feature needs to know that table. server/compose/ hands it to showback, whose
 * FunctionUsageSource port it fits. The table is pruned per function by count and age, so a reader should ask
 * often and only for recent days (showback's default schedule is every 15 minutes).
 */
export function activationUsageReader(db: Queryable): FunctionUsageReader {
  return {
    async usage(org, range) {
      const { rows } = await db.query<{ function: string; day: Date | string; invocations: string; gb_seconds: number }>(
        `SELECT function, to_char(start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, COUNT(*) AS invocations,
                SUM(memory_mb / 1024.0 * duration_ms / 1000.0) AS gb_seconds
           FROM activations WHERE org = $1 AND start >= $2 AND start < $3 GROUP BY function, 2`,
        [org, range.from.toISOString(), range.to.toISOString()],
      );
      return rows.map((r) => ({
        function: r.function,
        day: (r.day instanceof Date ? r.day.toISOString() : String(r.day)).slice(0, 10),
        invocations: Number(r.invocations),
        gbSeconds: Number(r.gb_seconds),
      }));
    },
  };
}
