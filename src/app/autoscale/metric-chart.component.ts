import { ChangeDetectionStrategy, Component, Input, OnChanges } from '@angular/core';
import { CategoryScale, Chart, ChartConfiguration, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { ChartCanvasComponent } from '../shared/chart-canvas.component';
import { MetricPoint, ScaleThresholds } from './autoscale.model';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Texts of the chart (translated by the caller). */
export interface MetricChartTexts {
  cpu: string;
  memory: string;
  scaleOutCpu: string;
  scaleInCpu: string;
}

/** Colours of the current theme: CDS variables on <body> (`cds-theme="dark"` switches them). */
export function metricPalette(root: HTMLElement = document.body): { cpu: string; memory: string; threshold: string; text: string; grid: string } {
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

/** The chart.js line chart of a rule's vApp: CPU and memory in percent over time, with the CPU thresholds as dashed lines. */
export function toMetricChartConfig(options: {
  points: MetricPoint[];
  scaleOut: ScaleThresholds;
  scaleIn: ScaleThresholds;
  texts: MetricChartTexts;
  locale: string;
  palette: ReturnType<typeof metricPalette>;
}): ChartConfiguration<'line'> {
  const { points, texts, palette } = options;
  const time = new Intl.DateTimeFormat(options.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const xs = points.map((p) => p.at.getTime());
  // Samples come at vCD's interval plus the current reading: a time axis keeps their real spacing.
  const span = xs.length ? [Math.min(...xs), Math.max(...xs)] : [];
  const line = (label: string, data: { x: number; y: number }[], color: string, dashed = false) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    pointRadius: dashed ? 0 : 2,
    borderDash: dashed ? [6, 4] : [],
    tension: 0.2,
  });
  return {
    type: 'line',
    data: {
      datasets: [
        line(texts.cpu, points.map((p) => ({ x: p.at.getTime(), y: p.cpuPercent })), palette.cpu),
        line(texts.memory, points.map((p) => ({ x: p.at.getTime(), y: p.memoryPercent })), palette.memory),
        line(texts.scaleOutCpu, span.map((x) => ({ x, y: options.scaleOut.cpuPercent })), palette.threshold, true),
        line(texts.scaleInCpu, span.map((x) => ({ x, y: options.scaleIn.cpuPercent })), palette.threshold, true),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: span[0], max: span[1], ticks: { color: palette.text, maxTicksLimit: 6, callback: (v) => time.format(new Date(Number(v))) }, grid: { color: palette.grid } },
        y: { min: 0, max: 100, ticks: { color: palette.text, callback: (v) => `${v} %` }, grid: { color: palette.grid } },
      },
      plugins: {
        legend: { labels: { color: palette.text } },
        tooltip: { callbacks: { title: (items) => (items[0] ? time.format(new Date(Number(items[0].parsed.x))) : '') } },
      },
    },
  };
}

/** The chart on the shared chart canvas; drawn again when the data changes or the portal switches between light and dark. */
@Component({
  selector: 'vsl-metric-chart',
  standalone: true,
  imports: [ChartCanvasComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<vsl-chart-canvas [configure]="configure" [height]="240" [ariaLabel]="ariaLabel" />`,
})
export class MetricChartComponent implements OnChanges {
  @Input({ required: true }) points: MetricPoint[] = [];
  @Input({ required: true }) scaleOut!: ScaleThresholds;
  @Input({ required: true }) scaleIn!: ScaleThresholds;
  @Input({ required: true }) texts!: MetricChartTexts;
  @Input() locale = 'en';
  @Input() ariaLabel = '';

  /** A new function per change of the inputs, so the canvas draws again; the palette is read at each draw. */
  protected configure: () => ChartConfiguration | null = () => null;

  ngOnChanges(): void {
    const { points, scaleOut, scaleIn, texts, locale } = this;
    this.configure = () =>
      scaleOut && scaleIn && texts
        ? (toMetricChartConfig({ points, scaleOut, scaleIn, texts, locale, palette: metricPalette() }) as ChartConfiguration)
        : null;
  }
}
