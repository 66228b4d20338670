import { ChangeDetectionStrategy, Component, Input, OnChanges, ViewChild } from '@angular/core';
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  ChartConfiguration,
  DoughnutController,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { ChartCanvasComponent } from '../shared/chart-canvas.component';
import { ChartKind, ChartTexts, toChartConfig } from './chart-config';
import { ChartData, readPalette } from './showback.model';

// Only what the dashboard draws: keeps chart.js's share of the plugin bundle small.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Filler, Tooltip, Legend);

/** A showback chart (stacked bars, daily line, doughnut) on the shared chart canvas, in the theme's colours. */
@Component({
  selector: 'vsl-chart',
  standalone: true,
  imports: [ChartCanvasComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<vsl-chart-canvas [configure]="configure" [height]="height" [ariaLabel]="ariaLabel" />`,
})
export class ChartComponent implements OnChanges {
  @Input({ required: true }) kind!: ChartKind;
  @Input({ required: true }) data!: ChartData;
  @Input() locale = 'en';
  @Input() texts: ChartTexts = {};
  @Input() height = 260;
  @Input() ariaLabel = '';
  @ViewChild(ChartCanvasComponent, { static: true }) private canvas?: ChartCanvasComponent;

  /** A new function per change of the inputs, so the canvas draws again; the palette is read at each draw. */
  protected configure: () => ChartConfiguration | null = () => null;

  /** The configuration last drawn (the specs read its datasets). */
  get config(): ChartConfiguration | null {
    return this.canvas?.config ?? null;
  }

  ngOnChanges(): void {
    const { kind, data, locale, texts } = this;
    this.configure = () => (data ? toChartConfig(kind, data, readPalette(), locale, texts) : null);
  }
}
