import type { ChartConfiguration, ChartDataset, TooltipItem } from 'chart.js';
import { currencyDigits, formatMoney } from '../shared/money';
import { ChartData, ChartPalette, sliceColors } from './showback.model';

export type ChartKind = 'stackedBar' | 'line' | 'doughnut';

/** Texts of the chart that are not data (translated by the caller). */
export interface ChartTexts {
  /** Labels of the daily line's series by kind: actual, forecast, bandLow, bandHigh. */
  series?: Partial<Record<'actual' | 'forecast' | 'bandLow' | 'bandHigh' | 'anomaly', string>>;
}

/** How a chart writes money: in the data's currency and the portal's locale, compact on the axis. */
type Money = (major: number, compact?: boolean) => string;

/**
 * The chart.js configuration of a showback chart: datasets from the API-derived ChartData, colours from the
 * theme's palette, ticks and tooltips as money in the portal's locale.
 */
export function toChartConfig(kind: ChartKind, data: ChartData, palette: ChartPalette, locale: string, texts: ChartTexts = {}): ChartConfiguration {
  const money: Money = (major, compact = false) =>
    formatMoney(Math.round(major * 10 ** currencyDigits(data.currency)), data.currency, locale, { compact });
  if (kind === 'doughnut') return doughnutConfig(data, palette, locale, money);
  return kind === 'stackedBar' ? stackedBarConfig(data, palette, money) : lineConfig(data, palette, texts, money);
}

function doughnutConfig(data: ChartData, palette: ChartPalette, locale: string, money: Money): ChartConfiguration {
  const total = data.series[0]?.data.reduce<number>((sum, v) => sum + (v ?? 0), 0) ?? 0;
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const doughnut: ChartConfiguration<'doughnut'> = {
    type: 'doughnut',
    data: {
      labels: data.labels,
      datasets: [{ label: data.series[0]?.label ?? '', data: (data.series[0]?.data ?? []) as number[], backgroundColor: sliceColors(data.labels.length, palette), borderWidth: 1 }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { labels: { color: palette.text }, position: 'right' },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'doughnut'>) => `${item.label}: ${money(item.parsed)} (${total ? percent.format(item.parsed / total) : '–'})`,
          },
        },
      },
    },
  };
  return doughnut as unknown as ChartConfiguration;
}

/** The x and y axes of the bar and line charts: money on y, stacked for the bars. */
function moneyScales(stacked: boolean, palette: ChartPalette, money: Money) {
  return {
    x: { stacked, ticks: { color: palette.text }, grid: { color: palette.grid } },
    y: { stacked, beginAtZero: true, ticks: { color: palette.text, callback: (value: string | number) => money(Number(value), true) }, grid: { color: palette.grid } },
  };
}

const moneyTooltip = (money: Money) => ({ callbacks: { label: (item: TooltipItem<'bar' | 'line'>) => `${item.dataset.label}: ${money(Number(item.parsed.y))}` } });

function stackedBarConfig(data: ChartData, palette: ChartPalette, money: Money): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: data.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: seriesColor(palette, i), stack: 'cost' })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: moneyScales(true, palette, money),
      plugins: { legend: { labels: { color: palette.text } }, tooltip: moneyTooltip(money) },
    },
  } as unknown as ChartConfiguration;
}

function lineConfig(data: ChartData, palette: ChartPalette, texts: ChartTexts, money: Money): ChartConfiguration {
  // Colours come from the palette of this render (not from the data), so a theme switch recolours the chart.
  const datasets: ChartDataset<'line'>[] = data.series.map((s, i) => {
    const label = (s.kind && texts.series?.[s.kind]) || s.label;
    switch (s.kind) {
      case 'forecast':
        return { label, data: s.data, borderColor: palette.forecast, backgroundColor: palette.forecast, borderDash: [6, 4], pointRadius: 0, spanGaps: false };
      case 'bandLow':
        return { label, data: s.data, borderColor: 'transparent', backgroundColor: palette.band, pointRadius: 0, fill: false };
      case 'bandHigh':
        // Filled down to the previous dataset (the band's low edge).
        return { label, data: s.data, borderColor: 'transparent', backgroundColor: palette.band, pointRadius: 0, fill: '-1' };
      case 'anomaly':
        // Marks only: a triangle on each anomaly day, no line between them.
        return { label, data: s.data, borderColor: s.color, backgroundColor: s.color, showLine: false, pointStyle: 'triangle', pointRadius: 8, pointHoverRadius: 10 };
      default:
        return { label, data: s.data, borderColor: seriesColor(palette, i), backgroundColor: seriesColor(palette, i), pointRadius: 2, tension: 0.2 };
    }
  });
  return {
    type: 'line',
    data: { labels: data.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: moneyScales(false, palette, money),
      plugins: {
        legend: { labels: { color: palette.text } },
        tooltip: {
          filter: (item: TooltipItem<'line'>) => item.raw !== null,
          callbacks: {
            // An anomaly mark says what happened that day (its notes), the other series their money.
            label: (item: TooltipItem<'line'>) => data.series[item.datasetIndex]?.notes?.[item.dataIndex] ?? moneyTooltip(money).callbacks.label(item),
          },
        },
      },
    },
  } as unknown as ChartConfiguration;
}

function seriesColor(palette: ChartPalette, i: number): string {
  return palette.series[i % palette.series.length];
}
