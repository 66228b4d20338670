/**
 * Cost anomalies (issue 15): a day whose cost of one service leaves the band the org's own history expects.
 *
 * Method (robust, seasonal): for each service and day, the baseline is the median cost of the same kind of day
 * (weekday or weekend) among the `windowDays` days before it; the spread is 1.4826 × the median absolute deviation
 * of those days (a standard deviation where costs are normal, not pulled by earlier spikes). The band is
 * median ± max(k × spread, floorPct % of the median); a day outside it is an anomaly of size cost − median, and
 * the vApp with the largest share of that excess (its own cost − its own median, in the anomaly's direction) is
 * named as its driver. Days with fewer than `minHistory` comparable days before them are not judged.
 */

export interface DailyServiceCost {
  day: string;
  service: string;
  /** Minor units. */
  cost: number;
  /** The day's cost of the service per vApp ('' for costs without one), minor units. */
  byVapp?: Record<string, number>;
}

export interface Anomaly {
  day: string;
  service: string;
  cost: number;
  expected: number;
  low: number;
  high: number;
  /** cost − expected, minor units (negative: a drop). */
  delta: number;
  vappId: string | null;
  /** The driver vApp's part of delta (null without a driver). */
  vappDelta: number | null;
}

export interface AnomalyOptions {
  windowDays?: number;
  k?: number;
  floorPct?: number;
  minHistory?: number;
}

const DAY_MS = 86_400_000;

export function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const weekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

/** The anomalies among the days `from`..`to` (inclusive), judged against the days before each. */
export function detectAnomalies(rows: DailyServiceCost[], from: string, to: string, options: AnomalyOptions = {}): Anomaly[] {
  const byService = new Map<string, Map<string, DailyServiceCost>>();
  for (const r of rows) {
    const days = byService.get(r.service) ?? new Map<string, DailyServiceCost>();
    days.set(r.day, r);
    byService.set(r.service, days);
  }
  const out: Anomaly[] = [];
  for (const [service, days] of byService) {
    for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      const found = judge(service, day, days, options);
      if (found) out.push(found);
    }
  }
  return out.sort((a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service));
}

/** The comparable days before `day` (same kind: weekday or weekend) within the window, newest first. */
export function comparableDays(day: string, windowDays = 28): string[] {
  const t = Date.parse(day);
  const kind = weekend(day);
  const out: string[] = [];
  for (let i = 1; i <= windowDays; i++) {
    const d = new Date(t - i * DAY_MS).toISOString().slice(0, 10);
    if (weekend(d) === kind) out.push(d);
  }
  return out;
}

function history(day: string, days: Map<string, DailyServiceCost>, windowDays: number): DailyServiceCost[] {
  return comparableDays(day, windowDays).map((d) => days.get(d) ?? { day: d, service: '', cost: 0 });
}

function judge(service: string, day: string, days: Map<string, DailyServiceCost>, o: AnomalyOptions): Anomaly | undefined {
  const { windowDays = 28, k = 5, floorPct = 15, minHistory = 6 } = o;
  const past = history(day, days, windowDays).filter((d) => days.has(d.day));
  if (past.length < minHistory) return undefined;
  const today = days.get(day) ?? { day, service, cost: 0 };
  const costs = past.map((d) => d.cost);
  const expected = median(costs);
  const spread = 1.4826 * median(costs.map((c) => Math.abs(c - expected)));
  const half = Math.max(k * spread, (expected * floorPct) / 100);
  const [low, high] = [Math.round(expected - half), Math.round(expected + half)];
  if (today.cost >= low && today.cost <= high) return undefined;
  const rounded = Math.round(expected);
  const delta = today.cost - rounded;
  const drove = driver(delta, today, past);
  return { day, service, cost: today.cost, expected: rounded, low, high, delta, vappId: drove?.id ?? null, vappDelta: drove?.delta ?? null };
}

/**
 * The vApp with the largest share of the excess: its cost that day minus its median over the comparable days, the
 * largest in the direction of `delta` (a spike: the largest rise; a drop: the largest fall). Costs without a vApp
 * ('') are not a driver.
 */
export function driver(delta: number, today: Pick<DailyServiceCost, 'byVapp'>, past: Pick<DailyServiceCost, 'byVapp'>[]): { id: string; delta: number } | null {
  let best: { id: string; delta: number } | null = null;
  const sign = delta < 0 ? -1 : 1;
  for (const [id, cost] of Object.entries(today.byVapp ?? {})) {
    if (!id) continue;
    const move = Math.round(cost - median(past.map((d) => d.byVapp?.[id] ?? 0)));
    if (sign * move > 0 && (!best || sign * move > sign * best.delta)) best = { id, delta: move };
  }
  return best;
}

/** The days from..to (inclusive, UTC) whose history `detectAnomalies` reads: windowDays before from. */
export function historyFrom(from: string, options: AnomalyOptions = {}): string {
  return new Date(Date.parse(from) - (options.windowDays ?? 28) * DAY_MS).toISOString().slice(0, 10);
}
