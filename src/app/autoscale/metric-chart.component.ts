import { ChangeDetectionStrategy, Component, Input, OnChanges } from '@angular/core';
import { ChartConfiguration } from 'chart.js';
import { ChartCanvasComponent } from '../shared/chart-canvas.component';
import { MetricPoint, ScaleThresholds } from './autoscale.model';
import { MetricPalette, metricPalette, percentOverTimeOptions } from './time-chart';

/** Texts of the chart (translated by the caller). */
export interface MetricChartTexts {
  cpu: string;
  memory: string;
  scaleOutCpu: string;
  scaleInCpu: string;
  /** The forecast CPU line (absent: no forecast drawn). */
  forecastCpu?: string;
}

/**
 * The chart.js line chart of a rule's vApp: CPU and memory in percent over time, with the CPU thresholds as dashed
 * lines and, when given, the forecast CPU after the last sample as a dotted line (the axis reaches its end).
 */
export function toMetricChartConfig(options: {
  points: MetricPoint[];
  forecast?: MetricPoint[];
  scaleOut: ScaleThresholds;
  scaleIn: ScaleThresholds;
  texts: MetricChartTexts;
  locale: string;
  palette: MetricPalette;
}): ChartConfiguration<'line'> {
  const { points, texts, palette } = options;
  const time = new Intl.DateTimeFormat(options.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const forecast = options.forecast ?? [];
  const xs = [...points, ...forecast].map((p) => p.at.getTime());
  // Samples come at vCD's interval plus the current reading: a time axis keeps their real spacing.
  const span = xs.length ? [Math.min(...xs), Math.max(...xs)] : [];
  const line = (label: string, data: { x: number; y: number }[], color: string, dash: number[] = []) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    pointRadius: dash.length ? 0 : 2,
    borderDash: dash,
    tension: 0.2,
  });
  const forecastLine = forecast.length && texts.forecastCpu ? [line(texts.forecastCpu, forecast.map((p) => ({ x: p.at.getTime(), y: p.cpuPercent })), palette.cpu, [2, 3])] : [];
  return {
    type: 'line',
    data: {
      datasets: [
        line(texts.cpu, points.map((p) => ({ x: p.at.getTime(), y: p.cpuPercent })), palette.cpu),
        line(texts.memory, points.map((p) => ({ x: p.at.getTime(), y: p.memoryPercent })), palette.memory),
        ...forecastLine,
        line(texts.scaleOutCpu, span.map((x) => ({ x, y: options.scaleOut.cpuPercent })), palette.threshold, [6, 4]),
        line(texts.scaleInCpu, span.map((x) => ({ x, y: options.scaleIn.cpuPercent })), palette.threshold, [6, 4]),
      ],
    },
    options: percentOverTimeOptions({ span, time, maxTicks: 6, palette }),
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
  /** The forecast after the last sample (empty: none drawn). */
  @Input() forecast: MetricPoint[] = [];
  @Input({ required: true }) scaleOut!: ScaleThresholds;
  @Input({ required: true }) scaleIn!: ScaleThresholds;
  @Input({ required: true }) texts!: MetricChartTexts;
  @Input() locale = 'en';
  @Input() ariaLabel = '';

  /** A new function per change of the inputs, so the canvas draws again; the palette is read at each draw. */
  protected configure: () => ChartConfiguration | null = () => null;

  ngOnChanges(): void {
    const { points, forecast, scaleOut, scaleIn, texts, locale } = this;
    this.configure = () =>
      scaleOut && scaleIn && texts
        ? (toMetricChartConfig({ points, forecast, scaleOut, scaleIn, texts, locale, palette: metricPalette() }) as ChartConfiguration)
        : null;
  }
}
