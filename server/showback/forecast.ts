/**
 * End-of-month forecast, explainable in one sentence: what the month cost so far, plus the remaining days at a
 * run rate from a straight line fitted to the recent daily costs (so a rising month forecasts higher), with a band
 * from how much the daily costs scatter around that line.
 */
export interface ForecastInput {
  /** Daily costs of complete days, oldest first, ending with the last complete day (may reach into past months). */
  history: number[];
  /** Cost of the month's complete days. */
  monthToDate: number;
  /** Complete days of the month so far (0 on the 1st). */
  daysElapsed: number;
  daysInMonth: number;
  /** Days of history the line is fitted to; 28 holds four whole weeks, so weekday seasonality cancels out. */
  window?: number;
}

export interface Forecast {
  value: number;
  low: number;
  high: number;
  runRatePerDay: number;
  method: string;
}

/** z for a two-sided 80 % band. */
const Z80 = 1.2816;

export function forecastMonth(input: ForecastInput): Forecast {
  const remaining = Math.max(0, input.daysInMonth - input.daysElapsed);
  const window = input.window ?? 28;
  const ys = input.history.slice(-window);
  const n = ys.length;
  if (n === 0 || remaining === 0) {
    const v = Math.round(input.monthToDate);
    return { value: v, low: v, high: v, runRatePerDay: 0, method: n === 0 ? 'no usage yet: month to date only' : 'month complete' };
  }
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (ys[i] - meanY);
    sxx += (i - meanX) ** 2;
  }
  // Fewer than a week of history gives no trustworthy slope: use the mean.
  const slope = n >= 7 && sxx > 0 ? sxy / sxx : 0;
  const at = (x: number) => meanY + slope * (x - meanX);
  let projected = 0;
  for (let j = 1; j <= remaining; j++) projected += Math.max(0, at(n - 1 + j));
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i] - at(i)) ** 2;
  const sd = n > 2 ? Math.sqrt(sse / (n - 2)) : meanY * 0.25;
  // Daily errors partly cancel over the remaining days: spread grows with √days.
  const half = Z80 * sd * Math.sqrt(remaining);
  const value = input.monthToDate + projected;
  const trend = slope === 0 ? 'flat' : `${slope > 0 ? '+' : ''}${(slope).toFixed(2)}/day trend`;
  return {
    value: Math.round(value),
    low: Math.round(Math.max(input.monthToDate, value - half)),
    high: Math.round(value + half),
    runRatePerDay: Math.round(projected / remaining),
    method: `month to date + ${remaining} days at the run rate of the last ${n} days (${trend}); band ±${Math.round(half)} (80 %)`,
  };
}

/**
 * Back-test: for each complete month in `days` (oldest first, `{day: YYYY-MM-DD, cost}` without gaps) forecast at
 * the end of day `atDay` and compare with what the month really cost. Returns the mean absolute % error.
 */
export function backtestMape(days: { day: string; cost: number }[], atDay: number): { mapePct: number; months: number } {
  const months = new Map<string, number[]>();
  days.forEach((d, i) => {
    const m = d.day.slice(0, 7);
    months.set(m, [...(months.get(m) ?? []), i]);
  });
  const errors: number[] = [];
  for (const [month, idx] of months) {
    const [y, mo] = month.split('-').map(Number);
    const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (idx.length !== daysInMonth || idx[0] < 7) continue; // incomplete month or too little history before it
    const actual = idx.reduce((a, i) => a + days[i].cost, 0);
    const cut = idx[atDay - 1];
    const f = forecastMonth({
      history: days.slice(0, cut + 1).map((d) => d.cost),
      monthToDate: idx.slice(0, atDay).reduce((a, i) => a + days[i].cost, 0),
      daysElapsed: atDay,
      daysInMonth,
    });
    if (actual > 0) errors.push(Math.abs(f.value - actual) / actual);
  }
  return { mapePct: errors.length ? (100 * errors.reduce((a, b) => a + b, 0)) / errors.length : 0, months: errors.length };
}
