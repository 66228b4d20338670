import { AfterViewInit, ChangeDetectionStrategy, Component, ElementRef, Input, NgZone, OnChanges, OnDestroy, ViewChild, inject } from '@angular/core';
import { Chart, ChartConfiguration } from 'chart.js';

/**
 * One chart.js chart on a canvas, for the features' charts (showback, autoscale). `configure` is called at each
 * render, so the colours it reads from the theme's CSS variables are current: it renders when `configure`
 * changes and again when the portal switches between light and dark (`cds-theme` on <body>). Each caller
 * registers the chart.js parts it draws, which keeps chart.js's share of the bundle small.
 */
@Component({
  selector: 'vsl-chart-canvas',
  standalone: true,
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="chart-box" [style.height.px]="height"><canvas #canvas role="img" [attr.aria-label]="ariaLabel"></canvas></div>`,
  styles: [`.chart-box { position: relative; width: 100%; }`],
})
export class ChartCanvasComponent implements AfterViewInit, OnChanges, OnDestroy {
  /** The configuration to draw, or null while there is nothing to draw. */
  @Input({ required: true }) configure!: () => ChartConfiguration | null;
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
    if (this.canvas) this.render();
  }

  ngOnDestroy(): void {
    this.themeObserver?.disconnect();
    this.chart?.destroy();
    this.chart = null;
  }

  private render(): void {
    const config = this.configure?.() ?? null;
    if (!config || !this.canvas) return;
    this.config = config;
    this.zone.runOutsideAngular(() => {
      this.chart?.destroy();
      this.chart = new Chart(this.canvas.nativeElement, config);
    });
  }
}
