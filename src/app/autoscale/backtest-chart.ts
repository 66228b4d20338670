import { ChartConfiguration } from 'chart.js';
import { BacktestView, ScaleThresholds } from './autoscale.model';
import { MetricPalette, percentOverTimeOptions } from './time-chart';

/** Texts of the backtest chart (translated by the caller). */
export interface BacktestChartTexts {
  cpu: string;
  memory: string;
  vms: string;
  actualVms: string;
  scaleOutCpu: string;
}

/**
 * The replay on one chart: the load as the rule's VMs would have carried it (percent, left axis) and the VM count the
 * rule would have run against the vApp's real one (right axis, stepped), with the scale-out CPU threshold dashed.
 */
export function toBacktestChartConfig(options: {
  result: BacktestView;
  scaleOut: ScaleThresholds;
  texts: BacktestChartTexts;
  locale: string;
  palette: MetricPalette;
}): ChartConfiguration<'line'> {
  const { result, texts, palette } = options;
  const when = new Intl.DateTimeFormat(options.locale, { weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const xs = result.points.map((p) => p.at.getTime());
  const span = xs.length ? [xs[0], xs[xs.length - 1]] : [];
  const series = (label: string, pick: (p: BacktestView['points'][number]) => number, color: string, extra: Record<string, unknown> = {}) => ({
    label,
    data: result.points.map((p) => ({ x: p.at.getTime(), y: pick(p) })),
    borderColor: color,
    backgroundColor: color,
    pointRadius: 0,
    borderWidth: 1.5,
    ...extra,
  });
  return {
    type: 'line',
    data: {
      datasets: [
        series(texts.cpu, (p) => p.cpuPercent, palette.cpu),
        series(texts.memory, (p) => p.memoryPercent, palette.memory),
        { label: texts.scaleOutCpu, data: span.map((x) => ({ x, y: options.scaleOut.cpuPercent })), borderColor: palette.threshold, backgroundColor: palette.threshold, borderDash: [6, 4], pointRadius: 0 },
        series(texts.vms, (p) => p.vms, palette.text, { yAxisID: 'vms', stepped: true, borderWidth: 2 }),
        series(texts.actualVms, (p) => p.actualVms, palette.grid, { yAxisID: 'vms', stepped: true, borderDash: [2, 3] }),
      ],
    },
    options: percentOverTimeOptions({
      span,
      time: when,
      maxTicks: 7,
      palette,
      scales: {
        vms: { position: 'right', min: 0, suggestedMax: Math.max(1, ...result.points.map((p) => Math.max(p.vms, p.actualVms))) + 1, ticks: { color: palette.text, precision: 0 }, grid: { drawOnChartArea: false } },
      },
    }),
  };
}
