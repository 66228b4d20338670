import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { FUNCTIONS_URL, providePluginTesting } from '../../testing/plugin-testing';
import { FunctionsService } from './functions.service';
import { FunctionLiveLogsComponent } from './function-live-logs.component';

const call = (i: number, overrides: Record<string, unknown> = {}) => ({
  id: `act-${i}`, function: 'hello', version: 1, trigger: 'http', start: '2026-12-06T10:00:00.000Z', durationMs: 3,
  status: 'success', cold: false, memoryMb: 64, statusCode: 200, logs: [`info line of call ${i}`], logsTruncated: false, droppedHeaders: [], ...overrides,
});

describe('FunctionLiveLogsComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let detect: () => void;
  const el = <T extends HTMLElement>(test: string): T => root.querySelector<T>(`[data-test="${test}"]`) as T;
  const feed = (query: string): string => `${FUNCTIONS_URL}/hello/activations/feed?${query}`;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(FunctionLiveLogsComponent);
    fixture.componentRef.setInput('name', 'hello');
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
  });

  afterEach(() => http.verify());

  it('asks nothing until the user follows; then shows each new call with its log lines, newest first, and stops when asked', () => {
    expect(el('live-state').textContent).toContain('Not following');
    el('live-start').click();
    http.expectOne(feed('waitMs=0')).flush({ items: [], cursor: '7' });
    http.expectOne(feed('after=7&waitMs=20000')).flush({ items: [call(1)], cursor: '8' });
    http.expectOne(feed('after=8&waitMs=20000')).flush({ items: [call(2, { status: 'error', statusCode: 500, logs: ['error boom'] })], cursor: '9' });
    detect();
    const logs = Array.from(root.querySelectorAll('[data-test="live-call-logs"]')).map((e) => e.textContent?.trim());
    expect(logs).toEqual(['error boom', 'info line of call 1']);
    expect(el('live-call-head').textContent).toContain('Error');
    expect(el('live-state').textContent).toContain('Following');
    const waiting = http.expectOne(feed('after=9&waitMs=20000'));
    el('live-stop').click();
    detect();
    expect(waiting.cancelled).toBeTrue();
    expect(el('live-start')).not.toBeNull();
  });

  it('sends the status, trigger and version filters with the next poll', () => {
    el('live-start').click();
    http.expectOne(feed('waitMs=0')).flush({ items: [], cursor: '3' });
    http.expectOne(feed('after=3&waitMs=20000'));
    const select = el<HTMLSelectElement>('live-status');
    select.value = 'error';
    select.dispatchEvent(new Event('change'));
    http.expectOne(feed('after=3&status=error&waitMs=20000'));
    const trigger = el<HTMLSelectElement>('live-trigger');
    trigger.value = 'async';
    trigger.dispatchEvent(new Event('change'));
    http.expectOne(feed('after=3&status=error&trigger=async&waitMs=20000'));
    const version = el<HTMLInputElement>('live-version');
    version.value = '2';
    version.dispatchEvent(new Event('input'));
    http.expectOne(feed('after=3&status=error&version=2&trigger=async&waitMs=20000')).flush({ items: [], cursor: '4' });
    const waiting = http.expectOne(feed('after=4&status=error&version=2&trigger=async&waitMs=20000'));
    detect();
    el('live-stop').click();
    expect(waiting.cancelled).toBeTrue();
  });

  it('shows the problem and stops following when the backend refuses', () => {
    el('live-start').click();
    http.expectOne(feed('waitMs=0')).flush(
      { type: 'about:blank', title: 'Not found', status: 404, detail: 'function "hello" does not exist in organization "acme"' },
      { status: 404, statusText: 'Not Found', headers: { 'Content-Type': 'application/problem+json' } },
    );
    detect();
    expect(root.textContent).toContain('does not exist');
    expect(el('live-start')).not.toBeNull();
  });
});
