import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import type { Summary } from '../../../contract/showback';
import { TEST_TOKEN, providePluginTesting } from '../../testing/plugin-testing';
import { ChartComponent } from './chart.component';
import { ShowbackDashboardComponent } from './showback-dashboard.component';
import { ShowbackService } from './showback.service';
import { SHOWBACK_URL, wireAnomaly, wireBreakdown, wireBudget, wireDaily, wireMonthly, wireSummary } from '../../testing/showback-testing';
import type { Anomaly } from '../../../contract/showback-anomalies';
import type { Budget } from '../../../contract/showback-budgets';

const plain = (text: string | null | undefined): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

describe('ShowbackDashboardComponent', () => {
  let fixture: ComponentFixture<ShowbackDashboardComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const kpi = (name: string): string => plain(page().querySelector(`[data-test="kpi-${name}"] [data-test="kpi-value"]`)?.textContent);

  function setUp(locale = 'en-US'): void {
    TestBed.configureTestingModule({ imports: [ShowbackDashboardComponent], providers: [...providePluginTesting({ locale }), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShowbackDashboardComponent);
    fixture.detectChanges();
  }

  afterEach(() => http.verify());

  const path = (req: TestRequest): string => req.request.url.replace(SHOWBACK_URL, '');

  /** Answers the six reads of the page (the budgets apart from the figures). */
  function answer(summary: Summary = wireSummary(), budgets: Budget[] = [], anomalies: Anomaly[] = []): void {
    http.expectOne(`${SHOWBACK_URL}/budgets`).flush({ items: budgets, total: budgets.length });
    flushAnomalies(anomalies);
    http.expectOne(`${SHOWBACK_URL}/summary`).flush(summary);
    http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/monthly`)).flush(wireMonthly());
    http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/daily`)).flush(wireDaily());
    const breakdowns = http.match((r) => r.url.startsWith(`${SHOWBACK_URL}/breakdown`));
    expect(breakdowns.length).toBe(2);
    for (const req of breakdowns) req.flush(wireBreakdown({ by: path(req).includes('by=service') ? 'service' : 'vapp' }));
    fixture.detectChanges();
  }

  /** Answers the anomalies read of the range (apart from the figures, like the budgets). */
  function flushAnomalies(items: Anomaly[] = []): void {
    http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/anomalies`)).flush({ from: '2026-11-01', to: '2026-11-04', items, total: items.length });
  }

  it("reads summary, monthly, daily and breakdown with the session's token", () => {
    setUp();
    flushAnomalies();
    const summary = http.expectOne(`${SHOWBACK_URL}/summary`);
    expect(summary.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    expect(http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/monthly`)).request.url).toContain('months=6');
    const daily = http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/daily`));
    expect(daily.request.url).toMatch(/from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}$/);
    const breakdowns = http.match((r) => r.url.startsWith(`${SHOWBACK_URL}/breakdown`));
    expect(breakdowns.map((r) => new URL(r.request.url).searchParams.get('by')).sort()).toEqual(['service', 'service']);
    for (const r of [summary, daily, ...breakdowns]) r.flush(r === summary ? wireSummary() : r === daily ? wireDaily() : wireBreakdown());
    http.expectNone(`${SHOWBACK_URL}/summary`);
    http.match(() => true).forEach((r) => r.flush(wireMonthly()));
  });

  it('shows the KPI cards in the English locale: month to date, forecast with band, last month and change', () => {
    setUp('en-US');
    answer();
    expect(kpi('month-to-date')).toBe('€1,234.56');
    expect(kpi('forecast')).toBe('€1,543.21');
    expect(plain(page().querySelector('[data-test="kpi-band"]')?.textContent)).toBe('Between €1,500.00 and €1,600.50');
    expect(plain(page().querySelector('[data-test="kpi-accuracy"]')?.textContent)).toBe('Off by 4.2% at day 10, 1.5% at day 20 (your last 6 months)');
    expect(page().querySelector('[data-test="kpi-forecast"]')?.getAttribute('title')).toContain('run rate');
    expect(kpi('last-month')).toBe('€1,400.00');
    expect(kpi('change')).toBe('+10.2%');
    expect(page().querySelector('[data-test="kpi-change"]')?.getAttribute('data-trend')).toBe('up');
    // The last day with data (the 24th), not the exclusive end of its period (midnight of the 25th).
    expect(plain(page().querySelector('[data-test="showback-data-as-of"]')?.textContent)).toBe('Data as of Nov 24, 2026');
  });

  it('shows the KPI cards in German with German number format and texts', () => {
    setUp('de-DE');
    answer();
    expect(kpi('month-to-date')).toBe('1.234,56 €');
    expect(kpi('forecast')).toBe('1.543,21 €');
    expect(plain(page().querySelector('[data-test="kpi-band"]')?.textContent)).toBe('Zwischen 1.500,00 € und 1.600,50 €');
    expect(plain(page().querySelector('[data-test="kpi-accuracy"]')?.textContent)).toBe('Abweichung 4,2 % an Tag 10, 1,5 % an Tag 20 (Ihre letzten 6 Monate)');
    expect(kpi('change')).toBe('+10,2 %');
    expect(page().querySelector('h2')?.textContent).toContain('Kostenübersicht');
  });

  it('hands the charts datasets built from the API data: stacked months by service, daily with forecast band, doughnut by service', () => {
    setUp();
    answer(wireSummary({ dayOfMonth: 2, daysInMonth: 4, monthToDate: 2500, dataAsOf: '2026-11-02T23:00:00.000Z',
      forecast: { value: 5500, low: 4500, high: 6500, runRatePerDay: 1500, method: 'x', accuracy: null } }));
    const charts = fixture.debugElement.queryAll(By.directive(ChartComponent)).map((d) => d.componentInstance as ChartComponent);
    const byKind = Object.fromEntries(charts.map((c) => [c.kind, c.config]));

    const monthly = byKind['stackedBar']!;
    expect(monthly.type).toBe('bar');
    expect(monthly.data.labels).toEqual(['Sep 2026', 'Oct 2026', 'Nov 2026']);
    expect(monthly.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['compute', [200, 250, 300]],
      ['functions', [0, 80, 200]],
      ['storage', [100, 120, 0]],
    ]);

    const daily = byKind['line']!;
    expect(daily.data.datasets.map((d) => d.label)).toEqual(['Daily cost', 'Forecast per day', 'Forecast low', 'Forecast high']);
    expect(daily.data.datasets[0].data).toEqual([10, 15, null, null]);
    expect(daily.data.datasets[1].data).toEqual([null, 15, 15, 15]);
    expect((daily.data.datasets[3] as { fill?: unknown }).fill).toBe('-1');

    const doughnut = byKind['doughnut']!;
    expect(doughnut.data.labels).toEqual(['compute', 'functions', 'Other']);
    expect(doughnut.data.datasets[0].data).toEqual([400, 150, 50]);
    // Rendered on a real canvas.
    expect(page().querySelectorAll('canvas').length).toBe(3);
  });

  it("colours the charts from the theme's CDS variables and recolours them when the portal switches to dark", async () => {
    document.body.style.setProperty('--cds-global-color-blue-700', '#123456');
    document.body.style.setProperty('--cds-global-color-blue-400', '#abcdef');
    try {
      setUp();
      answer();
      const monthly = (): ChartComponent =>
        fixture.debugElement.queryAll(By.directive(ChartComponent)).map((d) => d.componentInstance as ChartComponent).find((c) => c.kind === 'stackedBar')!;
      expect(monthly().config!.data.datasets[0].backgroundColor).toBe('#123456');
      document.body.setAttribute('cds-theme', 'dark');
      await new Promise((resolve) => setTimeout(resolve));
      expect(monthly().config!.data.datasets[0].backgroundColor).toBe('#abcdef');
    } finally {
      document.body.removeAttribute('cds-theme');
      document.body.style.removeProperty('--cds-global-color-blue-700');
      document.body.style.removeProperty('--cds-global-color-blue-400');
    }
  });

  it('lists the top items of the chosen group with cost and share, and links functions to their page', async () => {
    setUp();
    answer();
    await fixture.whenStable();
    const select = page().querySelector<HTMLSelectElement>('[data-test="showback-group-by"]')!;
    select.value = 'function';
    select.dispatchEvent(new Event('change'));
    const req = http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/breakdown`));
    expect(new URL(req.request.url).searchParams.get('by')).toBe('function');
    req.flush(wireBreakdown({ by: 'function', items: [{ key: 'hello', name: 'hello', cost: 1234, sharePct: 50 }], other: 0 }));
    fixture.detectChanges();
    const rows = page().querySelectorAll('[data-test="showback-top-row"]');
    expect(rows.length).toBe(1);
    expect(plain(rows[0].querySelector('[data-test="showback-top-cost"]')?.textContent)).toBe('€12.34');
    expect(rows[0].textContent).toContain('50%');
    expect(rows[0].querySelector('a[data-test="showback-top-link"]')?.getAttribute('href')).toContain('functions/hello');
  });

  it('shows the empty state instead of charts when the org has no costs yet', () => {
    setUp();
    answer(wireSummary({ dataAsOf: null, lastDataDay: null, monthToDate: 0, lastMonth: 0, changePct: null }));
    expect(page().querySelector('[data-test="showback-empty"]')?.textContent).toContain('No costs yet');
    expect(page().querySelector('canvas')).toBeNull();
    expect(page().querySelector('[data-test="kpi-month-to-date"]')).toBeNull();
  });

  it('warns that data may be incomplete, naming the failed source and its error, when a source failed', () => {
    setUp();
    answer(wireSummary({ stale: { since: '2026-11-20T06:00:00.000Z', sources: [{ id: 's1', name: 'vRB billing', error: 'connect ECONNREFUSED' }] } }));
    const stale = page().querySelector('[data-test="showback-stale"]');
    expect(stale?.querySelector('.alert-warning')).not.toBeNull();
    expect(plain(stale?.textContent)).toContain('Data may be incomplete since Nov 20, 2026');
    expect(stale?.textContent).toContain('vRB billing');
    expect(stale?.textContent).toContain('connect ECONNREFUSED');
    expect(page().querySelector('[data-test="showback-data-as-of"]')).not.toBeNull();
  });

  it("shows the backend's problem when the dashboard cannot be read", () => {
    setUp();
    http.expectOne(`${SHOWBACK_URL}/budgets`).flush({ items: [], total: 0 });
    flushAnomalies();
    http.expectOne(`${SHOWBACK_URL}/summary`).flush(
      { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'org globex is not your org' },
      { status: 403, statusText: 'Forbidden', headers: { 'Content-Type': 'application/problem+json' } },
    );
    expect(http.match(() => true).every((r) => r.cancelled)).toBeTrue();
    fixture.detectChanges();
    expect(page().querySelector('[data-test="problem-detail"]')?.textContent).toContain('org globex is not your org');
    expect(page().querySelector('canvas')).toBeNull();
  });

  it('downloads export.csv of the period with the token as a blob, not through a bare link', () => {
    setUp();
    answer();
    const clicked: string[] = [];
    spyOn(HTMLAnchorElement.prototype, 'click').and.callFake(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    page().querySelector<HTMLButtonElement>('[data-test="showback-export"]')!.click();
    const req = http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/export.csv`));
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req.request.responseType).toBe('blob');
    expect(req.request.url).toMatch(/export\.csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    req.flush(new Blob(['day,cost\n'], { type: 'text/csv' }));
    expect(clicked.length).toBe(1);
    expect(clicked[0]).toMatch(/^showback-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('shows each budget on the dashboard: spent of the amount, forecast, and the thresholds crossed', () => {
    setUp();
    answer(wireSummary(), [wireBudget(), wireBudget({ id: 'bud-2', name: 'Contract', providerOwned: true, editable: false, state: { ...wireBudget().state, spent: 1000, spentPct: 1, forecastPct: 3, thresholds: [] } })]);
    const card = page().querySelector('[data-test="dashboard-budgets"]');
    const budgets = card?.querySelectorAll('[data-test="budget"]') ?? [];
    expect(budgets.length).toBe(2);
    expect(plain(budgets[0].querySelector('[data-test="budget-figures"]')?.textContent)).toBe('€850.00 of €1,000.00 spent (85 %) · forecast €980.00 (98 %)');
    const thresholds = Array.from(budgets[0].querySelectorAll('[data-test="budget-threshold"]')).map((t) => [plain(t.textContent), t.getAttribute('data-crossed')]);
    expect(thresholds).toEqual([['Spend 80 % · crossed', 'true'], ['Forecast 100 %', 'false']]);
    expect(budgets[0].querySelector('.progress-static')?.classList).toContain('danger');
    expect(budgets[1].querySelector('[data-test="budget-provider"]')?.textContent).toContain('Set by the provider');
    // The dashboard only shows: deleting is on the Budgets page.
    expect(card?.querySelector('[data-test="budget-delete"]')).toBeNull();
  });

  it('shows no budget card when the budgets cannot be read, and the figures all the same', () => {
    setUp();
    http.expectOne(`${SHOWBACK_URL}/budgets`).flush({ type: 'about:blank', title: 'x', status: 500 }, { status: 500, statusText: 'x' });
    flushAnomalies();
    http.expectOne(`${SHOWBACK_URL}/summary`).flush(wireSummary());
    http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/monthly`)).flush(wireMonthly());
    http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/daily`)).flush(wireDaily());
    for (const req of http.match((r) => r.url.startsWith(`${SHOWBACK_URL}/breakdown`))) req.flush(wireBreakdown());
    fixture.detectChanges();
    expect(page().querySelector('[data-test="dashboard-budgets"]')).toBeNull();
    expect(kpi('month-to-date')).toBe('€1,234.56');
    expect(page().querySelector('[data-test="problem-alert"]')).toBeNull();
  });

  it('marks the anomaly days on the daily chart and lists each with its service, size, band and vApp', () => {
    setUp();
    answer(wireSummary(), [], [wireAnomaly(), wireAnomaly({ id: 'an-2', service: 'network', delta: -300, cost: 200, low: 400, high: 600, vappId: null, vappName: null, vappDelta: null })]);
    const anomaly = page().querySelector('[data-test="anomaly-list"]');
    expect(plain(anomaly?.querySelector('h4')?.textContent)).toBe('Cost anomalies in this range: 2');
    const rows = Array.from(page().querySelectorAll('[data-test="anomaly"]')).map((r) => plain(r.textContent));
    expect(rows).toEqual([
      'Anomaly compute on Nov 2, 2026: +€6.00 beyond the expected €8.00 – €10.00 · driven by vApp web-shop (+€5.50)',
      'Anomaly network on Nov 2, 2026: -€3.00 beyond the expected €4.00 – €6.00 · no single vApp drove it',
    ]);
    const line = fixture.debugElement.queryAll(By.directive(ChartComponent)).map((d) => d.componentInstance as ChartComponent).find((c) => c.kind === 'line')!;
    const marks = line.data!.series.find((x) => x.kind === 'anomaly')!;
    // One mark on Nov 2 at the day's total (15.00), none on the other days; its tooltip says both anomalies.
    expect(marks.data).toEqual([null, 15, null, null]);
    expect(marks.notes?.[1]?.length).toBe(2);
    expect(marks.notes?.[1]?.[0]).toContain('web-shop');
  });

  it('draws no anomaly marks and no list when the range has none', () => {
    setUp();
    answer();
    const line = fixture.debugElement.queryAll(By.directive(ChartComponent)).map((d) => d.componentInstance as ChartComponent).find((c) => c.kind === 'line')!;
    expect(line.data!.series.some((x) => x.kind === 'anomaly')).toBeFalse();
    expect(page().querySelector('[data-test="anomaly-list"]')).toBeNull();
  });

  it('lists the anomalies in German', () => {
    setUp('de-DE');
    answer(wireSummary(), [], [wireAnomaly()]);
    expect(plain(page().querySelector('[data-test="anomaly"]')?.textContent)).toBe(
      'Anomalie compute am 02.11.2026: +6,00 € außerhalb des erwarteten Bereichs 8,00 € – 10,00 € · verursacht durch vApp web-shop (+5,50 €)',
    );
  });

  it('downloads the period as a FOCUS 1.2 CSV with the token', () => {
    setUp();
    answer();
    const clicked: string[] = [];
    spyOn(HTMLAnchorElement.prototype, 'click').and.callFake(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    page().querySelector<HTMLButtonElement>('[data-test="showback-export-focus"]')!.click();
    const req = http.expectOne((r) => r.url.startsWith(`${SHOWBACK_URL}/export.focus.csv`));
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req.request.url).toMatch(/export\.focus\.csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    req.flush(new Blob(['BilledCost\n'], { type: 'text/csv' }));
    expect(clicked).toEqual([jasmine.stringMatching(/^focus-1\.2-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/)]);
  });
});
