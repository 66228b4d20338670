import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Backtest } from '../../../contract/autoscale';
import { providePluginTesting } from '../../testing/plugin-testing';
import { toAutoscaleRule, toBacktest, toRuleDraft } from './autoscale.model';
import { AutoscaleService } from './autoscale.service';
import { AUTOSCALE_URL, wireRule } from '../../testing/autoscale-testing';
import { BacktestPanelComponent } from './backtest-panel.component';
import { toBacktestChartConfig } from './backtest-chart';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);

function wireBacktest(): Backtest {
  return {
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 7 * 24 * HOUR).toISOString(),
    days: 7,
    summary: { vmHours: 366.81, actualVmHours: 335.89, minutesAboveScaleOut: 120, scaleOuts: 5, scaleIns: 4, peakVms: 3, samples: 2017 },
    points: [
      { at: T0, cpuPercent: 17, memoryPercent: 31, vms: 2, actualVms: 2 },
      { at: T0 + 13 * HOUR, cpuPercent: 58.3, memoryPercent: 45, vms: 3, actualVms: 2 },
      { at: T0 + 20 * HOUR, cpuPercent: 16, memoryPercent: 30, vms: 2, actualVms: 2 },
    ],
    decisions: [{ at: T0 + 12 * HOUR, action: 'scaleOut', from: 2, to: 3, reason: 'above-scale-out', detail: 'CPU 79.5 %' }],
    decisionsTruncated: false,
  };
}

describe('BacktestPanelComponent', () => {
  let fixture: ComponentFixture<BacktestPanelComponent>;
  let http: HttpTestingController;
  const draft = toRuleDraft(toAutoscaleRule(wireRule()));
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const text = (test: string) => page().querySelector(`[data-test="${test}"]`)?.textContent?.trim() ?? '';

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [BacktestPanelComponent], providers: [...providePluginTesting(), AutoscaleService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(BacktestPanelComponent);
    fixture.componentRef.setInput('draftOf', () => draft);
    fixture.detectChanges();
  });
  afterEach(() => http.verify());

  function run(days?: number): ReturnType<HttpTestingController['expectOne']> {
    if (days !== undefined) {
      const select = page().querySelector('[data-test="backtest-days"]') as HTMLSelectElement;
      select.selectedIndex = Array.from(select.options).findIndex((o) => o.textContent?.trim() === `${days} day${days === 1 ? '' : 's'}`);
      select.dispatchEvent(new Event('change'));
    }
    (page().querySelector('[data-test="backtest-run"]') as HTMLButtonElement).click();
    return http.expectOne(`${AUTOSCALE_URL}/rules/backtest`);
  }

  it('replays nothing until asked', () => {
    http.expectNone(`${AUTOSCALE_URL}/rules/backtest`);
    expect(page().querySelector('[data-test="backtest-summary"]')).toBeNull();
  });

  it('backtests the draft over the chosen days and shows VM-hours, minutes above the threshold, actions and the chart', () => {
    const req = run(14);
    expect(req.request.method).toBe('POST');
    expect(req.request.body.days).toBe(14);
    expect(req.request.body.rule).toEqual(jasmine.objectContaining({ name: 'web', maxVms: 5, scaleOut: { cpuPercent: 70, memoryPercent: 80 } }));
    req.flush(wireBacktest());
    fixture.detectChanges();
    expect(text('backtest-vm-hours')).toBe('366.8 with this rule, 335.9 as the vApp ran');
    expect(text('backtest-above')).toBe('120 min');
    expect(text('backtest-actions')).toBe('5 scale outs, 4 scale ins, at most 3 VMs');
    expect(text('backtest-no-cost')).toContain('No cost');
    expect(page().querySelector('[data-test="backtest-chart"] canvas')).not.toBeNull();
  });

  it('prices the VM-hours with the rate card when the backend could', () => {
    run(7).flush({ ...wireBacktest(), cost: { currency: 'EUR', vmHourPrice: 5, cost: 1834, actualCost: 1679 } });
    fixture.detectChanges();
    expect(text('backtest-cost')).toBe('Cost: 18.34 EUR with this rule, 16.79 EUR as the vApp ran (a VM costs 0.05 EUR/h).');
    expect(text('backtest-no-cost')).toBe('');
  });

  it("shows the backend's 400 when the vApp has no history in the window, and no stale result", () => {
    run().flush(wireBacktest());
    fixture.detectChanges();
    run(1).flush(
      { type: 'https://vcd-serverless.dev/problems/invalid', title: 'Invalid', status: 400, detail: 'no metric history to replay', errors: [{ path: 'days', message: 'vCD has no metric samples of vApp web in the last 1 day(s)' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(text('problem-detail')).toBe('no metric history to replay');
    expect(text('problem-field-errors')).toContain('days');
    expect(page().querySelector('[data-test="backtest-summary"]')).toBeNull();
  });

  it('charts the load against 0–100 % and the VM counts, stepped, on their own axis', () => {
    const config = toBacktestChartConfig({
      result: toBacktest(wireBacktest()),
      scaleOut: { cpuPercent: 70, memoryPercent: 80 },
      texts: { cpu: 'CPU', memory: 'Memory', vms: 'VMs', actualVms: 'Actual VMs', scaleOutCpu: 'Threshold' },
      locale: 'en-US',
      palette: { cpu: '#1', memory: '#2', threshold: '#3', text: '#4', grid: '#5' },
    });
    const set = (label: string) => config.data.datasets.find((d) => d.label === label)!;
    expect((set('VMs').data as { y: number }[]).map((p) => p.y)).toEqual([2, 3, 2]);
    expect(set('VMs')).toEqual(jasmine.objectContaining({ yAxisID: 'vms', stepped: true }));
    expect((set('CPU').data as { x: number; y: number }[])[1]).toEqual({ x: T0 + 13 * HOUR, y: 58.3 });
    expect((set('Threshold').data as { y: number }[]).map((p) => p.y)).toEqual([70, 70]);
    expect(config.options?.scales?.['y']).toEqual(jasmine.objectContaining({ min: 0, max: 100 }));
  });
});
