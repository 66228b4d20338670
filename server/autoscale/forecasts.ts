import { ForecastQuerySchema, type Forecast } from '../../contract/autoscale-forecast';
import type { Rule } from '../../contract/autoscale';
import { Invalid, parseOrThrow } from '../errors';
import type { VcdInfra } from '../vcd/infra';
import { vAppHistory } from './backtest';
import { forecastDemand, forecastPoints } from './forecast';

const DAY = 86_400_000;

/**
 * GET rules/{id}/forecast: the vApp's load for the next hours from its last days of metrics (read from vCD as the
 * caller) and the VM count the rule's scale-out thresholds imply. Forecast only: it scales nothing.
 */
export class RuleForecasts {
  constructor(private readonly deps: { vcd: VcdInfra; now: () => number }) {}

  async forecast(token: string, rule: Rule, query: unknown): Promise<Forecast> {
    const { hours, days } = parseOrThrow(ForecastQuerySchema, query, 'invalid query');
    const vApp = await this.deps.vcd.vApp(token, rule.vAppId);
    if (!vApp) throw new Invalid('the rule names a vApp that does not exist in this org', [{ path: 'vAppId', message: 'no such vApp in this org' }]);
    const now = this.deps.now();
    const history = await vAppHistory(this.deps.vcd, token, vApp.vms.map((vm) => vm.id), { from: now - days * DAY, to: now });
    if (history.length === 0) throw new Invalid('no metric history to forecast from', [{ path: 'days', message: `vCD has no metric samples of vApp ${vApp.name} in the last ${days} day(s)` }]);
    const currentVms = vApp.vms.filter((vm) => vm.poweredOn).length;
    return {
      rule: rule.id,
      currentVms,
      samples: history.length,
      method: `daily pattern of the last ${days} day(s), scaled by the last hour against that pattern (bounded 0.5–2×)`,
      points: forecastPoints(rule, forecastDemand(history, now, hours), currentVms),
    };
  }
}
