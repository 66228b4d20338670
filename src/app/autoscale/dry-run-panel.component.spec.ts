import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { DryRun } from '../../../contract/autoscale';
import { providePluginTesting } from '../../testing/plugin-testing';
import { toDryRun } from './autoscale.model';
import { DryRunPanelComponent } from './dry-run-panel.component';

const decision = { action: 'scaleOut' as const, current: 2, desired: 4, reason: 'below-min', detail: '2 VMs is below the minimum of 4' };

describe('DryRunPanelComponent', () => {
  let fixture: ComponentFixture<DryRunPanelComponent>;
  const text = (test: string) => (fixture.nativeElement as HTMLElement).querySelector(`[data-test="${test}"]`)?.textContent?.trim() ?? '';

  function show(dry: DryRun): void {
    fixture.componentRef.setInput('result', toDryRun(dry));
    fixture.detectChanges();
  }

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [DryRunPanelComponent], providers: [...providePluginTesting()] });
    fixture = TestBed.createComponent(DryRunPanelComponent);
  });

  it('names the open schedule window and the limits it set beside the decision', () => {
    const schedule = { window: 0, name: 'office hours', openedAt: '2026-12-07T07:00:00.000Z', closesAt: '2026-12-07T17:00:00.000Z', minVms: 4, maxVms: 6 };
    show({ rule: 'r-1', decision, metrics: { cpuPercent: 30, memoryPercent: 40, vms: 2 }, schedule });
    expect(text('dry-run-verdict')).toBe('Now this rule would scale out from 2 to 4 VMs.');
    expect(text('dry-run-schedule')).toContain('Schedule window office hours is open until');
    expect(text('dry-run-schedule')).toContain('the rule keeps 4–6 VMs, thresholds act within.');
  });

  it('shows no schedule line when no window is open', () => {
    show({ rule: 'r-1', decision: { ...decision, action: 'none', desired: 2, reason: 'in-band' }, metrics: null, schedule: null });
    expect(text('dry-run-schedule')).toBe('');
  });

  it('shows what the decision costs this month, and says when the budget guard held it', () => {
    const cost = { currency: 'EUR', vmHourPrice: 5, template: { cpus: 2, memoryMb: 2048 }, vmsChange: 1, hoursLeftInMonth: 100, monthCostChange: 500, monthToDate: 10_000, forecast: 20_000, forecastAfter: 20_500, ceiling: 30_000, held: false };
    show({ rule: 'r-1', decision: { ...decision, reason: 'above-scale-out' }, metrics: null, cost });
    expect(text('dry-run-cost')).toBe('Cost this month: +5.00 EUR (a VM costs 0.05 EUR/h); forecast 200.00 EUR → 205.00 EUR, ceiling 300.00 EUR.');
    show({ rule: 'r-1', decision: { ...decision, action: 'none', desired: 2, reason: 'over-budget' }, metrics: null, cost: { ...cost, ceiling: 20_100, held: true } });
    expect(text('dry-run-cost')).toContain('Held by the budget guard: +5.00 EUR');
    expect(text('dry-run-cost')).toContain('above the ceiling of 201.00 EUR.');
  });

  it('shows the forecast a rule scales ahead of', () => {
    show({ rule: 'r-1', decision, metrics: null, ahead: { bufferMinutes: 30, at: Date.UTC(2026, 11, 7, 12), vms: 4, applied: true } });
    expect(text('dry-run-ahead')).toBe('The forecast needs 4 VMs in 30 min.');
  });
});
