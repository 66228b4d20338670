import { AfterViewInit, ChangeDetectionStrategy, Component, ElementRef, Input, NgZone, OnChanges, OnDestroy, ViewChild, inject } from '@angular/core';
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
import { ChartKind, ChartTexts, toChartConfig } from './chart-config';
import { ChartData, readPalette } from './showback.model';

// Only what the dashboard draws: keeps chart.js's share of the plugin bundle small.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Filler, Tooltip, Legend);

/**
 * One chart.js chart on a canvas. Colours come from the theme's CSS variables when it renders, and it renders
 * again when the portal switches between light and dark (`cds-theme` on <body>).
 */
@Component({
  selector: 'vsl-chart',
  standalone: true,
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="chart-box" [style.height.px]="height"><canvas #canvas role="img" [attr.aria-label]="ariaLabel"></canvas></div>`,
  styles: [`.chart-box { position: relative; width: 100%; }`],
})
export class ChartComponent implements AfterViewInit, OnChanges, OnDestroy {
  @Input({ required: true }) kind!: ChartKind;
  @Input({ required: true }) data!: ChartData;
  @Input() locale = 'en';
  @Input() texts: ChartTexts = {};
  @Input() height = 260;
  @Input() ariaLabel = '';
  @ViewChild('canvas', { static: true }) private canvas!: ElementRef<HTMLCanvasElement>;

  private readonly zone = inject(NgZone);
  private chart: Chart | null = null;
  private themeObserver: MutationObserver | null = null;

  /** The configuration last drawn (the specs read its datasets). */
  config: ChartConfiguration | null = null;

  ngAfterViewInit(): void {
    this.render();
    this.themeObserver = new MutationObserver(() => this.render());
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['cds-theme'] });
  }

  ngOnChanges(): void {
    if (this.chart || this.canvas) this.render();
  }

  ngOnDestroy(): void {
    this.themeObserver?.disconnect();
    this.chart?.destroy();
    this.chart = null;
  }

  private render(): void {
    if (!this.data || !this.canvas) return;
    this.config = toChartConfig(this.kind, this.data, readPalette(), this.locale, this.texts);
    this.zone.runOutsideAngular(() => {
      this.chart?.destroy();
      this.chart = new Chart(this.canvas.nativeElement, this.config as ChartConfiguration);
    });
  }
}
