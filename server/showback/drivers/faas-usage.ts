import type { BillingSource, FunctionUsageSource, Range, SourceSpec } from '../ports';
import { ratesFor, type RateCardStore } from '../ratecard';
import type { CostRecord } from '../store';

const DAY_MS = 86_400_000;

/**
 * FaaS usage priced by the rate card: per function and day, one record for calls and one for GB-seconds. The usage
 * comes through the FunctionUsageSource port: the functions feature's reader, wired in server/compose/showback.ts.
 */
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
