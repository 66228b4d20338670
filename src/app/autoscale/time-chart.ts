import { CategoryScale, Chart, ChartConfiguration, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export type MetricPalette = { cpu: string; memory: string; threshold: string; text: string; grid: string };

/** Colours of the current theme: CDS variables on <body> (`cds-theme="dark"` switches them). */
export function metricPalette(root: HTMLElement = document.body): MetricPalette {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const dark = root.getAttribute('cds-theme') === 'dark';
  return {
    cpu: read(dark ? '--cds-global-color-blue-400' : '--cds-global-color-blue-700', dark ? '#49afd9' : '#0072a3'),
    memory: read(dark ? '--cds-global-color-green-400' : '--cds-global-color-green-700', dark ? '#5eb715' : '#3c8500'),
    threshold: read(dark ? '--cds-global-color-ochre-400' : '--cds-global-color-ochre-700', '#c25400'),
    text: read('--cds-global-typography-color-400', dark ? '#e9ecef' : '#333333'),
    grid: dark ? 'rgba(255,255,255,0.15)' : 'rgba(0,0,0,0.1)',
  };
}

/**
 * The options both autoscale charts share: a linear time axis over `span` labelled with `time`, percent 0–100 on the
 * left, legend and tooltip in the theme's colours; `scales` adds axes (the backtest's VM count).
 */
export function percentOverTimeOptions(options: {
  span: number[];
  time: Intl.DateTimeFormat;
  maxTicks: number;
  palette: MetricPalette;
  scales?: NonNullable<ChartConfiguration<'line'>['options']>['scales'];
}): ChartConfiguration<'line'>['options'] {
  const { span, time, palette } = options;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: { type: 'linear', min: span[0], max: span[1], ticks: { color: palette.text, maxTicksLimit: options.maxTicks, callback: (v) => time.format(new Date(Number(v))) }, grid: { color: palette.grid } },
      y: { min: 0, max: 100, ticks: { color: palette.text, callback: (v) => `${v} %` }, grid: { color: palette.grid } },
      ...options.scales,
    },
    plugins: {
      legend: { labels: { color: palette.text } },
      tooltip: { callbacks: { title: (items) => (items[0] ? time.format(new Date(Number(items[0].parsed.x))) : '') } },
    },
  };
}
