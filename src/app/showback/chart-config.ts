import type { ChartConfiguration, ChartDataset, TooltipItem } from 'chart.js';
import { ChartData, ChartPalette, currencyDigits, formatMoney, sliceColors } from './showback.model';

export type ChartKind = 'stackedBar' | 'line' | 'doughnut';

/** Texts of the chart that are not data (translated by the caller). */
export interface ChartTexts {
  /** Labels of the daily line's series by kind: actual, forecast, bandLow, bandHigh. */
  series?: Partial<Record<'actual' | 'forecast' | 'bandLow' | 'bandHigh', string>>;
}

/**
 * The chart.js configuration of a showback chart: datasets from the API-derived ChartData, colours from the
 * theme's palette, ticks and tooltips as money in the portal's locale.
 */
export function toChartConfig(kind: ChartKind, data: ChartData, palette: ChartPalette, locale: string, texts: ChartTexts = {}): ChartConfiguration {
  const money = (major: number, compact = false): string =>
    formatMoney(Math.round(major * 10 ** currencyDigits(data.currency)), data.currency, locale, { compact });
  const legend = { labels: { color: palette.text } };
  if (kind === 'doughnut') {
    const total = data.series[0]?.data.reduce<number>((sum, v) => sum + (v ?? 0), 0) ?? 0;
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
          legend: { ...legend, position: 'right' },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'doughnut'>) =>
                `${item.label}: ${money(item.parsed)} (${total ? new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(item.parsed / total) : '–'})`,
            },
          },
        },
      },
    };
    return doughnut as unknown as ChartConfiguration;
  }
  const scales = {
    x: { stacked: kind === 'stackedBar', ticks: { color: palette.text }, grid: { color: palette.grid } },
    y: {
      stacked: kind === 'stackedBar',
      beginAtZero: true,
      ticks: { color: palette.text, callback: (value: string | number) => money(Number(value), true) },
      grid: { color: palette.grid },
    },
  };
  const tooltip = { callbacks: { label: (item: TooltipItem<'bar' | 'line'>) => `${item.dataset.label}: ${money(Number(item.parsed.y))}` } };
  if (kind === 'stackedBar') {
    return {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: seriesColor(palette, i), stack: 'cost' })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales, plugins: { legend, tooltip } },
    } as unknown as ChartConfiguration;
  }
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
      scales,
      plugins: {
        legend,
        tooltip: {
          filter: (item: TooltipItem<'line'>) => item.raw !== null,
          callbacks: tooltip.callbacks,
        },
      },
    },
  } as unknown as ChartConfiguration;
}

function seriesColor(palette: ChartPalette, i: number): string {
  return palette.series[i % palette.series.length];
}
