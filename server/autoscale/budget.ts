import type { Decision, Rule, RuleInput } from '../../contract/autoscale';
import type { CostEffect } from '../../contract/autoscale-budget';
import { Invalid } from '../errors';
import type { VcdInfra } from '../vcd/infra';

/** The org's month as showback sees it: money in minor units, rates in major units per hour (its rate card). */
export interface OrgSpend {
  currency: string;
  monthToDate: number;
  /** Showback's month-end forecast. */
  forecast: number;
  vcpuHour: number;
  ramGbHour: number;
}

/** The port showback fills (compose wires it; autoscale never reads showback's tables). */
export interface SpendPort {
  spendOf(org: string): Promise<OrgSpend>;
}

const HOUR = 3_600_000;

/** Hours from `now` to the end of its UTC month. */
export function hoursLeftInMonth(now: number): number {
  const d = new Date(now);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now) / HOUR;
}

/** One VM of this hardware per hour powered on at the org's rates, in minor units. */
export const vmHourPriceOf = (spend: OrgSpend, hardware: { cpus: number; memoryMb: number }) => (hardware.cpus * spend.vcpuHour + (hardware.memoryMb / 1024) * spend.ramGbHour) * 100;

/**
 * A decision's cost effect: each VM it adds runs, at the rate card's vCPU-hour and GB-RAM-hour prices for the
 * template's hardware, until the end of the month; a scale in saves as much. Pure.
 */
export function costEffect(spend: OrgSpend, hardware: { cpus: number; memoryMb: number }, decision: Pick<Decision, 'desired' | 'current'>, ceiling: number | null, now: number): CostEffect {
  const vmHourPrice = vmHourPriceOf(spend, hardware);
  const hours = hoursLeftInMonth(now);
  const vmsChange = decision.desired - decision.current;
  const monthCostChange = Math.round(vmsChange * vmHourPrice * hours);
  return {
    currency: spend.currency,
    vmHourPrice: Math.round(vmHourPrice * 10_000) / 10_000,
    template: hardware,
    vmsChange,
    hoursLeftInMonth: Math.round(hours * 10) / 10,
    monthCostChange,
    monthToDate: spend.monthToDate,
    forecast: spend.forecast,
    forecastAfter: spend.forecast + monthCostChange,
    ceiling,
    held: false,
  };
}

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

/** What the guard holds: scale outs driven by load (thresholds, the forecast ahead), never the minimum (below-min). */
const guarded = (d: Decision) => d.action === 'scaleOut' && d.reason !== 'below-min';

/**
 * The budget guard: a scale out driven by load (thresholds, or the forecast ahead) whose cost would take the month-end
 * forecast above the rule's ceiling is held, the decision says so with the numbers. The minimum (the rule's, or an open
 * window's: reason below-min) is never held: a ceiling caps growth, not the floor the user set.
 */
export function guard(decision: Decision, effect: CostEffect): { decision: Decision; effect: CostEffect } {
  const over = effect.ceiling !== null && effect.forecastAfter > effect.ceiling;
  if (!guarded(decision) || !over) return { decision, effect };
  const c = effect.currency;
  const detail =
    `scale out to ${decision.desired} held by the budget guard: month to date ${money(effect.monthToDate, c)}, forecast ${money(effect.forecast, c)}` +
    ` + ${effect.vmsChange} VM × ${money(effect.vmHourPrice, c)}/h × ${effect.hoursLeftInMonth} h = ${money(effect.forecastAfter, c)} crosses the monthly ceiling of ${money(effect.ceiling as number, c)}`;
  return { decision: { ...decision, action: 'none', desired: decision.current, reason: 'over-budget', detail }, effect: { ...effect, held: true } };
}

/** A rule with a ceiling whose scale out cannot be priced (showback or the template unreadable) holds it: the cap stays a cap. */
export function unpriced(decision: Decision, ceiling: number | null | undefined, why: string): Decision {
  if (ceiling === null || ceiling === undefined || !guarded(decision)) return decision;
  return { ...decision, action: 'none', desired: decision.current, reason: 'budget-unpriced', detail: `scale out to ${decision.desired} held by the budget guard: it cannot be priced (${why})` };
}

/** Prices a rule's decisions with the org's spend and the rule's template (read from vCD as the caller). */
export class RuleBudget {
  constructor(private readonly deps: { vcd: VcdInfra; spend?: SpendPort; now: () => number }) {}

  /** The cost effect of the decision, or why it cannot be priced (no showback wired, no template hardware, a failed read). */
  async effectOf(org: string, token: string, rule: Rule, decision: Decision): Promise<CostEffect | { unpriced: string }> {
    const priced = await this.hourly(org, token, rule.templateId);
    if ('unpriced' in priced) return priced;
    return costEffect(priced.spend, priced.hardware, decision, rule.monthlyCostCeiling ?? null, this.deps.now());
  }

  /** The org's spend and the template VM's hardware, or why they cannot be read. */
  async hourly(org: string, token: string, templateId: string): Promise<{ spend: OrgSpend; hardware: { cpus: number; memoryMb: number } } | { unpriced: string }> {
    if (!this.deps.spend) return { unpriced: 'showback is not configured' };
    try {
      const [spend, template] = await Promise.all([this.deps.spend.spendOf(org), this.deps.vcd.template(token, templateId)]);
      const vm = template?.vms[0];
      if (!vm || vm.cpus === null || vm.memoryMb === null) return { unpriced: 'vCD gives no vCPU and memory of the template VM' };
      return { spend, hardware: { cpus: vm.cpus, memoryMb: vm.memoryMb } };
    } catch (err) {
      return { unpriced: (err as Error).message };
    }
  }

  /** A ceiling below what the org has spent this month already would hold every scale out: 400 naming the field. */
  async checkCeiling(org: string, spec: RuleInput): Promise<void> {
    const ceiling = spec.monthlyCostCeiling;
    if (ceiling === undefined || ceiling === null) return;
    if (!this.deps.spend) throw new Invalid('invalid rule: monthlyCostCeiling needs showback', [{ path: 'monthlyCostCeiling', message: 'cannot be checked: showback is not configured' }]);
    const spend = await this.deps.spend.spendOf(org);
    if (ceiling >= spend.monthToDate) return;
    const message = `must not be below this month's spend so far (${money(spend.monthToDate, spend.currency)})`;
    throw new Invalid(`invalid rule: monthlyCostCeiling ${message}`, [{ path: 'monthlyCostCeiling', message }]);
  }
}
