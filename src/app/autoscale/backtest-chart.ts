import { CategoryScale, Chart, ChartConfiguration, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { BacktestView, ScaleThresholds } from './autoscale.model';
import { metricPalette } from './metric-chart.component';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

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
  palette: ReturnType<typeof metricPalette>;
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
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: span[0], max: span[1], ticks: { color: palette.text, maxTicksLimit: 7, callback: (v) => when.format(new Date(Number(v))) }, grid: { color: palette.grid } },
        y: { min: 0, max: 100, ticks: { color: palette.text, callback: (v) => `${v} %` }, grid: { color: palette.grid } },
        vms: { position: 'right', min: 0, suggestedMax: Math.max(1, ...result.points.map((p) => Math.max(p.vms, p.actualVms))) + 1, ticks: { color: palette.text, precision: 0 }, grid: { drawOnChartArea: false } },
      },
      plugins: {
        legend: { labels: { color: palette.text } },
        tooltip: { callbacks: { title: (items) => (items[0] ? when.format(new Date(Number(items[0].parsed.x))) : '') } },
      },
    },
  };
}
