import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Run } from '../../../contract/showback';
import { providePluginTesting } from '../../testing/plugin-testing';
import { ShowbackBackfillComponent } from './showback-backfill.component';
import { ShowbackService } from './showback.service';
import { SHOWBACK_URL, wireSource } from '../../testing/showback-testing';

describe('ShowbackBackfillComponent', () => {
  let fixture: ComponentFixture<ShowbackBackfillComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const q = <T extends Element = HTMLElement>(test: string): T | null => page().querySelector<T>(`[data-test="${test}"]`);

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [ShowbackBackfillComponent], providers: [...providePluginTesting(), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShowbackBackfillComponent);
    fixture.componentInstance.sources = [wireSource(), wireSource({ id: 'src-vcd', kind: 'vcd', name: 'vCD usage' })];
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  async function set(test: string, value: string): Promise<void> {
    const input = q<HTMLInputElement | HTMLSelectElement>(test)!;
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
    input.dispatchEvent(new Event('blur'));
    fixture.detectChanges();
    await fixture.whenStable();
  }

  it('backfills the chosen source for the days from..to and reports what the run read and wrote', async () => {
    const done: Run[] = [];
    fixture.componentInstance.done.subscribe((run) => done.push(run));
    await set('backfill-source', 'src-vcd');
    await set('backfill-from', '2026-10-01');
    await set('backfill-to', '2026-10-31');
    q<HTMLButtonElement>('backfill-submit')!.click();
    const req = http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/sources/src-vcd/run` });
    expect(req.request.body).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    const run = { ...wireSource().lastRun!, sourceId: 'src-vcd', trigger: 'backfill' as const, rowsRead: 310, rowsWritten: 62 };
    req.flush(run);
    fixture.detectChanges();
    expect(q('backfill-result')?.textContent).toContain('Backfill finished: 310 read, 62 written.');
    expect(done.map((r) => r.rowsWritten)).toEqual([62]);
  });

  it('shows a failed backfill with its reason', async () => {
    await set('backfill-source', 'src-1');
    await set('backfill-from', '2026-10-01');
    await set('backfill-to', '2026-10-02');
    q<HTMLButtonElement>('backfill-submit')!.click();
    http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/sources/src-1/run` }).flush({ ...wireSource().lastRun!, status: 'failed', error: 'source answered HTTP 503', rowsRead: 0, rowsWritten: 0 });
    fixture.detectChanges();
    expect(q('backfill-result')?.getAttribute('data-status')).toBe('failed');
    expect(q('backfill-result')?.textContent).toContain('Backfill failed: source answered HTTP 503');
  });

  it('does not send a range whose end is before its start, or one longer than 400 days', async () => {
    await set('backfill-source', 'src-1');
    await set('backfill-from', '2026-10-10');
    await set('backfill-to', '2026-10-01');
    q<HTMLButtonElement>('backfill-submit')!.click();
    fixture.detectChanges();
    expect(q('backfill-range-error')?.textContent).toContain('The end is before the start.');
    await set('backfill-from', '2024-01-01');
    await set('backfill-to', '2026-10-01');
    q<HTMLButtonElement>('backfill-submit')!.click();
    fixture.detectChanges();
    expect(q('backfill-range-error')?.textContent).toContain('at most 400 days');
    http.expectNone({ method: 'POST' });
  });
});
