import type { ForecastPoint } from '../../contract/autoscale-forecast';
import type { DecisionRule } from './decide';
import type { HistoricSample } from './replay';

const DAY = 86_400_000;
const STEP = 5 * 60_000;

/** Demand in "percent of one VM": the vApp's mean × its VMs (a load that moves with the VM count). */
interface Demand {
  at: number;
  cpu: number;
  mem: number;
}
const demandOf = (s: HistoricSample): Demand => ({ at: s.at, cpu: s.cpuPercent * s.vms, mem: s.memoryPercent * s.vms });

/** The demand nearest to `at` within half a step, from samples sorted by time. */
function near(samples: Demand[], at: number): Demand | undefined {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  const best = [samples[lo - 1], samples[lo]].filter((s): s is Demand => s !== undefined).sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
  return best && Math.abs(best.at - at) <= STEP / 2 ? best : undefined;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The same time of day on the previous days that have a sample: the daily pattern at `at`. */
function seasonal(samples: Demand[], at: number): { cpu: number; mem: number } | undefined {
  const past = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((k) => near(samples, at - k * DAY)).filter((s): s is Demand => s !== undefined);
  return past.length === 0 ? undefined : { cpu: mean(past.map((s) => s.cpu)), mem: mean(past.map((s) => s.mem)) };
}

/**
 * Demand for each 5 minutes after `now` over `hours`: the mean of the same time of day on the previous days (the daily
 * pattern), scaled by how the last hour compares with that pattern's last hour (today busier or quieter), the scale
 * bounded to 0.5–2. Without a previous day the last hour's mean carries on. Pure; the caller reads the history.
 */
export function forecastDemand(history: HistoricSample[], now: number, hours: number): Demand[] {
  const samples = history.map(demandOf).sort((a, b) => a.at - b.at);
  const lastHour = samples.filter((s) => s.at > now - 3_600_000 && s.at <= now);
  const recent = { cpu: mean(lastHour.map((s) => s.cpu)), mem: mean(lastHour.map((s) => s.mem)) };
  const pattern = lastHour.map((s) => seasonal(samples, s.at)).filter((p): p is { cpu: number; mem: number } => p !== undefined);
  const ratio = (actual: number, expected: number) => (expected > 0 && actual > 0 ? Math.min(2, Math.max(0.5, actual / expected)) : 1);
  const scale = { cpu: ratio(recent.cpu, mean(pattern.map((p) => p.cpu))), mem: ratio(recent.mem, mean(pattern.map((p) => p.mem))) };
  const out: Demand[] = [];
  for (let at = now + STEP; at <= now + hours * 3_600_000; at += STEP) {
    const day = seasonal(samples, at);
    out.push(day ? { at, cpu: day.cpu * scale.cpu, mem: day.mem * scale.mem } : { at, ...recent });
  }
  return out;
}

/** VMs the demand needs to stay at or below the scale-out thresholds, within the rule's min and max. */
export function impliedVms(rule: Pick<DecisionRule, 'scaleOut' | 'minVms' | 'maxVms'>, demand: { cpu: number; mem: number }): number {
  const need = Math.max(demand.cpu / Math.max(rule.scaleOut.cpuPercent, 1e-9), demand.mem / Math.max(rule.scaleOut.memoryPercent, 1e-9));
  return Math.min(rule.maxVms, Math.max(rule.minVms, Math.ceil(need - 1e-9)));
}

/** The forecast as the API answers it: percentages over the current VM count, capped at 100, and the implied VMs. */
export function forecastPoints(rule: Pick<DecisionRule, 'scaleOut' | 'minVms' | 'maxVms'>, demand: Demand[], currentVms: number): ForecastPoint[] {
  const base = Math.max(currentVms, 1);
  const pct = (x: number) => Math.round(Math.min(100, x / base) * 10) / 10;
  return demand.map((d) => ({ at: d.at, cpuPercent: pct(d.cpu), memoryPercent: pct(d.mem), vms: impliedVms(rule, d) }));
}

/**
 * The forecast's mean absolute percentage error on a history: the last `hours` before its end are forecast from the
 * samples before them and compared with what happened (CPU demand; samples with no load are skipped).
 */
export function forecastMape(history: HistoricSample[], hours: number): number {
  const end = Math.max(...history.map((s) => s.at));
  const cut = end - hours * 3_600_000;
  const predicted = forecastDemand(history.filter((s) => s.at <= cut), cut, hours);
  const actual = history.filter((s) => s.at > cut).map(demandOf).sort((a, b) => a.at - b.at);
  const errors = predicted.flatMap((p) => {
    const a = near(actual, p.at);
    return a && a.cpu > 0 ? [Math.abs(a.cpu - p.cpu) / a.cpu] : [];
  });
  return Math.round(mean(errors) * 1000) / 10;
}
