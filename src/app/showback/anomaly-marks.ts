import type { Daily } from '../../../contract/showback';
import type { Anomaly } from '../../../contract/showback-anomalies';
import { toMajor } from '../shared/money';
import type { ChartData, SeriesData } from './showback.model';

/**
 * The daily chart's anomaly marks: one point on each day with a stored anomaly, at the day's total, carrying a note
 * per anomaly of that day (service, size, band, driver vApp) for the tooltip. Null when the range has none.
 */
export function anomalySeries(daily: Daily, anomalies: Anomaly[], label: string, note: (a: Anomaly) => string, color: string): SeriesData | null {
  const byDay = new Map<string, Anomaly[]>();
  for (const a of anomalies) byDay.set(a.day, [...(byDay.get(a.day) ?? []), a]);
  if (!daily.items.some((item) => byDay.has(item.day))) return null;
  return {
    label,
    kind: 'anomaly',
    color,
    data: daily.items.map((item) => (byDay.has(item.day) ? toMajor(item.total, daily.currency) : null)),
    notes: daily.items.map((item) => byDay.get(item.day)?.map(note) ?? null),
  };
}

/** The chart with the anomaly marks drawn over it (last, so they sit on top). */
export function withAnomalies(chart: ChartData, marks: SeriesData | null): ChartData {
  return marks ? { ...chart, series: [...chart.series, marks] } : chart;
}
