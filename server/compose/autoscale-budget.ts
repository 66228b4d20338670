import type { SpendPort } from '../autoscale/budget';
import type { ShowbackService } from '../showback/service';

/**
 * Autoscale's budget guard reads the org's month through this adapter (autoscale never imports showback): showback's
 * summary (month to date, month-end forecast, minor units) and the rates the org is charged (its rate card with the
 * org's override, major units per hour).
 */
export function spendPortOf(showback: Pick<ShowbackService, 'summary' | 'rateCardView'>): SpendPort {
  return {
    async spendOf(org) {
      const [summary, card] = await Promise.all([showback.summary(org), showback.rateCardView(org, false)]);
      return { currency: summary.currency, monthToDate: summary.monthToDate, forecast: summary.forecast.value, vcpuHour: card.rates.vcpuHour, ramGbHour: card.rates.ramGbHour };
    },
  };
}
