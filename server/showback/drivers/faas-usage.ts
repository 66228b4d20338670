import type { Queryable } from '../../store/db';
import type { BillingSource, FunctionUsage, FunctionUsageSource, Range, SourceSpec } from '../ports';
import { ratesFor, type RateCardStore } from '../ratecard';
import type { CostRecord } from '../store';

const DAY_MS = 86_400_000;

/**
 * Function usage read from the functions feature's activations table (one row per call). The table is pruned per
 * function by count and age, so collect often (the default schedule is every 15 minutes) and only recent days.
 */
export class ActivationUsageSource implements FunctionUsageSource {
  constructor(private readonly db: Queryable) {}

  async usage(org: string, range: Range): Promise<FunctionUsage[]> {
    const { rows } = await this.db.query<{ function: string; day: Date | string; invocations: string; gb_seconds: number }>(
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
  }
}

/** FaaS usage priced by the rate card: per function and day, one record for calls and one for GB-seconds. */
export class FaasBillingSource implements BillingSource {
  constructor(private readonly deps: { usage: FunctionUsageSource; rateCard: RateCardStore }) {}

  async collect(spec: SourceSpec, range: Range): Promise<CostRecord[]> {
    const card = await this.deps.rateCard.get();
    const rates = ratesFor(card, spec.org);
    const usage = await this.deps.usage.usage(spec.org, range);
    return usage.flatMap((u): CostRecord[] => {
      const periodStart = new Date(`${u.day}T00:00:00Z`);
      const base = {
        org: spec.org,
        sourceId: spec.id,
        periodStart,
        periodEnd: new Date(periodStart.getTime() + DAY_MS),
        resourceKind: 'function',
        resourceId: u.function,
        resourceName: u.function,
        service: 'functions',
        currency: card.currency,
      };
      return [
        { ...base, naturalKey: `${u.function}:invocations`, metric: 'invocations', quantity: u.invocations, unit: 'call', cost: Math.round(u.invocations * rates.functionInvocation * 100) },
        { ...base, naturalKey: `${u.function}:gb-seconds`, metric: 'gb-seconds', quantity: u.gbSeconds, unit: 'GB-second', cost: Math.round(u.gbSeconds * rates.functionGbSecond * 100) },
      ];
    });
  }
}
