import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed, fakeAsync, tick } from '@angular/core/testing';
import { FUNCTIONS_URL, providePluginTesting } from '../../testing/plugin-testing';
import { FunctionsService } from './functions.service';
import { FunctionActivationsComponent } from './function-activations.component';

function wireActivation(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `act-${i}`, function: 'hello', version: 1, trigger: 'http', start: '2026-11-25T10:00:00.000Z', durationMs: i,
    status: 'success', cold: i === 1, memoryMb: 64, statusCode: 200, logs: [`log of call ${i}`], logsTruncated: false, ...overrides,
  };
}

describe('FunctionActivationsComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let detect: () => void;
  const el = <T extends HTMLElement>(test: string): T => root.querySelector<T>(`[data-test="${test}"]`) as T;
  const url = (query: string): string => `${FUNCTIONS_URL}/hello/activations?${query}`;
  const page = (from: number, count: number, total: number, overrides: Record<string, unknown> = {}) => ({
    items: Array.from({ length: count }, (_, i) => wireActivation(from + i, overrides)),
    total,
  });

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(FunctionActivationsComponent);
    fixture.componentRef.setInput('name', 'hello');
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
  });

  afterEach(() => http.verify());

  it('pages through the calls with the backend doing the paging', () => {
    http.expectOne(url('limit=10&offset=0')).flush(page(1, 10, 23));
    detect();
    expect(root.querySelectorAll('[data-test="activation-row"]').length).toBe(10);
    expect(el('activations-range').textContent).toContain('1–10 of 23');
    expect(el<HTMLButtonElement>('activations-prev').disabled).toBeTrue();

    el('activations-next').click();
    http.expectOne(url('limit=10&offset=10')).flush(page(11, 10, 23));
    detect();
    el('activations-next').click();
    http.expectOne(url('limit=10&offset=20')).flush(page(21, 3, 23));
    detect();
    expect(el('activations-range').textContent).toContain('21–23 of 23');
    expect(el<HTMLButtonElement>('activations-next').disabled).toBeTrue();
  });

  it('shows whether each call came over HTTP or from a vCD event', () => {
    http.expectOne(url('limit=10&offset=0')).flush({ items: [wireActivation(1, { trigger: 'event' }), wireActivation(2)], total: 2 });
    detect();
    const triggers = Array.from(root.querySelectorAll('[data-test="activation-trigger"]')).map((e) => e.textContent?.trim());
    expect(triggers).toEqual(['Event', 'HTTP']);
  });

  it('shows a scheduled run as such, with the tick it ran for', () => {
    const tick = '2026-12-07T08:00:00.000Z';
    http.expectOne(url('limit=10&offset=0')).flush({ items: [wireActivation(1, { trigger: 'schedule', tick }), wireActivation(2)], total: 2 });
    detect();
    const cells = Array.from(root.querySelectorAll('[data-test="activation-trigger"]')).map((e) => e.textContent?.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toMatch(/^Schedule tick .*2026/);
    expect(cells[1]).toBe('HTTP');
    expect(root.querySelectorAll('[data-test="activation-tick"]').length).toBe(1);
  });

  it('filters by status from the first page', () => {
    http.expectOne(url('limit=10&offset=0')).flush(page(1, 10, 23));
    detect();
    el('activations-next').click();
    http.expectOne(url('limit=10&offset=10')).flush(page(11, 10, 23));
    const select = el<HTMLSelectElement>('activation-filter');
    select.value = 'timeout';
    select.dispatchEvent(new Event('change'));
    http.expectOne(url('limit=10&offset=0&status=timeout')).flush(page(1, 1, 1, { status: 'timeout', statusCode: 504 }));
    detect();
    const rows = root.querySelectorAll('[data-test="activation-row"]');
    expect(rows.length).toBe(1);
    expect(rows[0].textContent).toContain('Timeout');
    expect(rows[0].textContent).toContain('504');
  });

  it('asks only for calls started in the chosen time range, from the first page', () => {
    http.expectOne(url('limit=10&offset=0')).flush(page(1, 10, 23));
    const since = el<HTMLInputElement>('activation-since');
    since.value = '2026-11-25T10:00';
    since.dispatchEvent(new Event('input'));
    const sinceIso = new Date('2026-11-25T10:00').toISOString();
    http.expectOne(url(`limit=10&offset=0&since=${encodeURIComponent(sinceIso)}`)).flush(page(1, 2, 2));
    const until = el<HTMLInputElement>('activation-until');
    until.value = '2026-11-25T11:30';
    until.dispatchEvent(new Event('input'));
    const untilIso = new Date('2026-11-25T11:30').toISOString();
    http
      .expectOne(url(`limit=10&offset=0&since=${encodeURIComponent(sinceIso)}&until=${encodeURIComponent(untilIso)}`))
      .flush(page(1, 1, 1));
    detect();
    expect(root.querySelectorAll('[data-test="activation-row"]').length).toBe(1);
  });

  it("opens a call's logs in the detail pane", fakeAsync(() => {
    http
      .expectOne(url('limit=10&offset=0'))
      .flush({ items: [wireActivation(1), wireActivation(2, { logs: [], logsTruncated: true, droppedHeaders: ['set-cookie', 'x-vcloud-authorization'] })], total: 2 });
    detect();
    tick();
    detect();
    const toggles = root.querySelectorAll<HTMLButtonElement>('[data-test="activation-row"] .datagrid-detail-caret-button');
    expect(toggles.length).toBe(2);
    toggles[0].click();
    detect();
    tick();
    detect();
    expect(el('activation-detail').textContent).toContain('act-1');
    expect(el('activation-logs').textContent).toContain('log of call 1');
    expect(el('activation-dropped-headers')).toBeNull();

    root.querySelectorAll<HTMLButtonElement>('[data-test="activation-row"] .datagrid-detail-caret-button')[1].click();
    detect();
    tick();
    detect();
    expect(el('activation-logs-empty')).not.toBeNull();
    expect(el('activation-logs-truncated')).not.toBeNull();
    // What the response policy left out of the answer, so the function's author sees why a header never arrived.
    expect(el('activation-dropped-headers').textContent).toContain('set-cookie, x-vcloud-authorization');
  }));
});
