import type { Breakdown, BreakdownDimension, Daily, Monthly, Summary } from '../../../contract/showback';
import { formatMoney, safeLocale, toMajor } from '../shared/money';

/**
 * Pure view logic of the showback dashboard: money, percent and dates formatted for the portal's locale (Intl),
 * and chart data built from the API's answers. No Angular, no DOM: the specs feed it API bodies directly.
 */

/** A change in percent with its sign: "+12.3%", "−4%" (locale's own signs and separators). */
export function formatChange(pct: number, locale: string): string {
  return new Intl.NumberFormat(safeLocale(locale), { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(pct / 100);
}

export function formatShare(pct: number, locale: string): string {
  return new Intl.NumberFormat(safeLocale(locale), { style: 'percent', maximumFractionDigits: 1 }).format(pct / 100);
}

/** "2026-11" → "Nov 2026" / "Nov. 2026". */
export function formatMonth(month: string, locale: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(safeLocale(locale), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, m - 1, 1));
}

/** "2026-11-05" → "Nov 5" / "5. Nov.". */
export function formatDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(safeLocale(locale), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));
}

/** "2026-11-24" → "Nov 24, 2026" / "24.11.2026": a whole UTC day with its year. */
export function formatDate(day: string, locale: string): string {
  return new Intl.DateTimeFormat(safeLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));
}

/** An ISO instant with date and time, in the locale (UTC, as the data's days are UTC). */
export function formatInstant(iso: string, locale: string): string {
  return `${new Intl.DateTimeFormat(safeLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(Date.parse(iso))} UTC`;
}

// ---------- KPIs ----------

export type Trend = 'up' | 'down' | 'flat' | 'none';

export interface Kpis {
  monthToDate: string;
  forecast: string;
  forecastLow: string;
  forecastHigh: string;
  forecastMethod: string;
  /** The back-test on the org's past months (mean absolute % error of the forecast at day 10 and 20), null without one. */
  accuracy: { months: number; day10: string; day20: string } | null;
  lastMonth: string;
  change: string | null;
  trend: Trend;
  /** "12 / 30": days with data of the month's days. */
  dayOfMonth: number;
  daysInMonth: number;
}

export function toKpis(summary: Summary, locale: string): Kpis {
  const money = (minor: number): string => formatMoney(minor, summary.currency, locale);
  const pct = summary.changePct;
  return {
    monthToDate: money(summary.monthToDate),
    forecast: money(summary.forecast.value),
    forecastLow: money(summary.forecast.low),
    forecastHigh: money(summary.forecast.high),
    forecastMethod: summary.forecast.method,
    accuracy: accuracyOf(summary.forecast.accuracy, locale),
    lastMonth: money(summary.lastMonth),
    change: pct === null ? null : formatChange(pct, locale),
    trend: pct === null ? 'none' : pct > 0.05 ? 'up' : pct < -0.05 ? 'down' : 'flat',
    dayOfMonth: summary.dayOfMonth,
    daysInMonth: summary.daysInMonth,
  };
}

function accuracyOf(a: Summary['forecast']['accuracy'], locale: string): Kpis['accuracy'] {
  if (!a) return null;
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return { months: a.months, day10: pct.format(a.mapeDay10Pct / 100), day20: pct.format(a.mapeDay20Pct / 100) };
}

/** True when the org has no cost at all yet: the dashboard shows its empty state instead of zero charts. */
export function isEmpty(summary: Summary): boolean {
  return summary.dataAsOf === null;
}

// ---------- charts ----------

/** Colours of the chart, read from Clarity's CSS variables at render time (so the dark theme has its own). */
export interface ChartPalette {
  series: string[];
  text: string;
  grid: string;
  forecast: string;
  band: string;
}

/** Fallbacks when the CDS variables are missing (light theme values of Clarity's palette). */
export const DEFAULT_PALETTE: ChartPalette = {
  series: ['#0079b8', '#62a420', '#c25400', '#8939ad', '#00968b', '#c21d00', '#d4a017', '#565656'],
  text: '#454545',
  grid: 'rgba(128,128,128,0.25)',
  forecast: '#8939ad',
  band: 'rgba(137,57,173,0.18)',
};

const SERIES_VARS = [
  '--cds-global-color-blue-700',
  '--cds-global-color-green-700',
  '--cds-global-color-ochre-700',
  '--cds-global-color-violet-700',
  '--cds-global-color-aqua-700',
  '--cds-global-color-red-700',
  '--cds-global-color-yellow-700',
  '--cds-global-color-gray-700',
];
const SERIES_VARS_DARK = SERIES_VARS.map((name) => name.replace('-700', '-400'));

/** The palette of the current theme: CDS variables on <body> (`cds-theme="dark"` switches them). */
export function readPalette(root: HTMLElement = document.body): ChartPalette {
  const style = getComputedStyle(root);
  const read = (name: string): string => style.getPropertyValue(name).trim();
  const dark = root.getAttribute('cds-theme') === 'dark' || document.body.getAttribute('cds-theme') === 'dark';
  const vars = dark ? SERIES_VARS_DARK : SERIES_VARS;
  const series = vars.map((name, i) => read(name) || DEFAULT_PALETTE.series[i]);
  const text = read('--cds-global-typography-color-400') || read('--clr-global-font-color') || (dark ? '#e9ecef' : DEFAULT_PALETTE.text);
  const forecast = read(dark ? '--cds-global-color-violet-400' : '--cds-global-color-violet-700') || DEFAULT_PALETTE.forecast;
  return { series, text, grid: dark ? 'rgba(255,255,255,0.15)' : DEFAULT_PALETTE.grid, forecast, band: withAlpha(forecast, 0.2) };
}

/** "#8939ad" or "rgb(…)" / "hsl(…)" with an alpha, for the band fill. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
  }
  const fn = /^(rgb|hsl)a?\((.*)\)$/i.exec(color.replace(/\s*\/\s*[\d.]+%?\)$/, ')'));
  if (fn) return `${fn[1].toLowerCase()}a(${fn[2].split(/[\s,]+/).filter(Boolean).join(',')},${alpha})`;
  return DEFAULT_PALETTE.band;
}

/** A chart.js dataset without chart.js types (the model stays framework-free); values are major units. */
export interface SeriesData {
  label: string;
  data: (number | null)[];
  color: string;
  kind?: 'actual' | 'forecast' | 'bandLow' | 'bandHigh' | 'anomaly';
  /** Per point, the tooltip's lines (the anomaly marks: one per anomaly of the day). */
  notes?: (string[] | null)[];
}

export interface ChartData {
  labels: string[];
  series: SeriesData[];
  currency: string;
}

/** Services in a stable order: by total over all items, largest first. */
function servicesByTotal(items: { byService: Record<string, number> }[]): string[] {
  const totals = new Map<string, number>();
  for (const item of items) for (const [service, cost] of Object.entries(item.byService)) totals.set(service, (totals.get(service) ?? 0) + cost);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([service]) => service);
}

/** Stacked bars: one label per month, one dataset per service (a month without that service is 0). */
export function monthlyChart(monthly: Monthly, locale: string, palette: ChartPalette): ChartData {
  const services = servicesByTotal(monthly.items);
  return {
    currency: monthly.currency,
    labels: monthly.items.map((item) => formatMonth(item.month, locale)),
    series: services.map((service, i) => ({
      label: service,
      color: palette.series[i % palette.series.length],
      data: monthly.items.map((item) => toMajor(item.byService[service] ?? 0, monthly.currency)),
    })),
  };
}

/**
 * Daily cost line with the forecast: actual cost for the days with data (up to the summary's day of month), then, for
 * the remaining days of the current month inside the range, the forecast run rate per day and its low/high band
 * (the band of the month's forecast spread evenly over the remaining days).
 */
export function dailyChart(daily: Daily, summary: Summary | null, locale: string, palette: ChartPalette): ChartData {
  // The last day with data is the summary's day of month (dataAsOf is a period end: exclusive, often next midnight).
  const lastDataDay = summary?.dataAsOf ? `${summary.month}-${String(summary.dayOfMonth).padStart(2, '0')}` : null;
  const month = summary?.month ?? null;
  const remaining = summary ? Math.max(summary.daysInMonth - summary.dayOfMonth, 0) : 0;
  const isForecastDay = (day: string): boolean =>
    summary !== null && month !== null && day.startsWith(month) && lastDataDay !== null && day > lastDataDay && remaining > 0;
  const perDay = (minor: number): number => toMajor(minor, daily.currency);
  const actual = daily.items.map((item) => (isForecastDay(item.day) ? null : perDay(item.total)));
  const series: SeriesData[] = [{ label: 'actual', kind: 'actual', color: palette.series[0], data: actual }];
  if (summary && daily.items.some((item) => isForecastDay(item.day))) {
    const { forecast, monthToDate } = summary;
    const low = Math.max(forecast.low - monthToDate, 0) / remaining;
    const high = Math.max(forecast.high - monthToDate, 0) / remaining;
    const at = (value: number) => daily.items.map((item, i) => (isForecastDay(item.day) || isLastActual(i) ? value : null));
    // The forecast starts at the last actual day so the lines join.
    const isLastActual = (i: number): boolean => i + 1 < daily.items.length && !isForecastDay(daily.items[i].day) && isForecastDay(daily.items[i + 1].day);
    series.push(
      { label: 'forecast', kind: 'forecast', color: palette.forecast, data: at(perDay(forecast.runRatePerDay)) },
      { label: 'low', kind: 'bandLow', color: palette.band, data: at(perDay(Math.round(low))) },
      { label: 'high', kind: 'bandHigh', color: palette.band, data: at(perDay(Math.round(high))) },
    );
  }
  return { currency: daily.currency, labels: daily.items.map((item) => formatDay(item.day, locale)), series };
}

/** Doughnut: one slice per item (largest first) plus "other" when the top N cut some off. */
export function breakdownChart(breakdown: Breakdown, palette: ChartPalette, otherLabel: string): ChartData {
  const slices = breakdown.items.map((item) => ({ label: item.name || item.key, cost: item.cost }));
  if (breakdown.other > 0) slices.push({ label: otherLabel, cost: breakdown.other });
  return {
    currency: breakdown.currency,
    labels: slices.map((slice) => slice.label),
    series: [
      {
        label: breakdown.by,
        color: palette.series[0],
        data: slices.map((slice) => toMajor(slice.cost, breakdown.currency)),
      },
    ],
  };
}

/** Colours of the doughnut's slices, in the order of its labels. */
export function sliceColors(count: number, palette: ChartPalette): string[] {
  return Array.from({ length: count }, (_, i) => palette.series[i % palette.series.length]);
}

// ---------- ranges ----------

export type RangePreset = 'thisMonth' | 'lastMonth' | 'last30' | 'last90' | 'custom';
export const RANGE_PRESETS: RangePreset[] = ['thisMonth', 'lastMonth', 'last30', 'last90', 'custom'];

export interface DayRange {
  from: string;
  to: string;
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The from/to days (UTC, inclusive) of a preset, relative to `today` ("YYYY-MM-DD"). */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, today: string): DayRange {
  const t = Date.parse(`${today}T00:00:00Z`);
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = 86_400_000;
  switch (preset) {
    case 'thisMonth':
      return { from: iso(Date.UTC(y, m, 1)), to: iso(Date.UTC(y, m + 1, 0)) };
    case 'lastMonth':
      return { from: iso(Date.UTC(y, m - 1, 1)), to: iso(Date.UTC(y, m, 0)) };
    case 'last30':
      return { from: iso(t - 29 * day), to: today };
    case 'last90':
      return { from: iso(t - 89 * day), to: today };
  }
}

/** Breakdown dimensions the group-by picker offers, in its order. */
export const GROUP_BY: BreakdownDimension[] = ['service', 'vapp', 'vm', 'function', 'source'];
