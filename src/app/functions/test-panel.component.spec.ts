import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { FUNCTIONS_URL, TEST_API_ROOT, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { FunctionsService } from './functions.service';
import type { FunctionView } from '../../../contract/functions';
import { toServerlessFunction } from './functions.model';
import { TestPanelComponent, parseHeaderLines } from './test-panel.component';

function wireActivation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'act-1', function: 'hello', version: 2, trigger: 'http', start: '2026-11-25T10:00:00.000Z', durationMs: 7,
    status: 'success', cold: true, memoryMb: 64, statusCode: 201, logs: ['got POST /items/1'], logsTruncated: false,
    ...overrides,
  };
}

describe('TestPanelComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let detect: () => void;
  const el = <T extends HTMLElement>(test: string): T => root.querySelector<T>(`[data-test="${test}"]`) as T;
  const type = (test: string, value: string): void => {
    const input = el<HTMLInputElement>(test);
    input.value = value;
    input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input'));
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(TestPanelComponent);
    fixture.componentRef.setInput('fn', toServerlessFunction(wireFunction({ version: 2, latestVersion: 2 }) as unknown as FunctionView));
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
  });

  afterEach(() => http.verify());

  it('sends the method, path, query, headers and body, then shows status, body, logs, duration and a cold start', () => {
    type('test-method', 'POST');
    type('test-path', '/items/1');
    type('test-query', 'name=Ann');
    type('test-headers', 'X-Trace: abc\nnot a header');
    type('test-body', '{"n": 1}');
    el('test-send').click();

    const call = http.expectOne(`${TEST_API_ROOT}/api/org/acme/hello/items/1?name=Ann`);
    expect(call.request.method).toBe('POST');
    expect(call.request.headers.get('X-Trace')).toBe('abc');
    expect(call.request.headers.get('Content-Type')).toBe('application/json');
    expect(call.request.body).toBe('{"n": 1}');
    call.flush('{"created":true}', { status: 201, statusText: 'Created', headers: { 'Content-Type': 'application/json', 'X-Activation-Id': 'act-1' } });
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/faas/activations/act-1`).flush(wireActivation());
    detect();

    expect(el('test-status').textContent).toBe('201');
    expect(el('test-body-result').textContent).toContain('"created": true');
    expect(el('test-logs').textContent).toContain('got POST /items/1');
    expect(el('test-duration').textContent).toContain('7 ms');
    expect(el('test-start').textContent).toContain('Cold');
  });

  it("without an activation id takes the function's newest activation, and shows a function's error answer as its result", () => {
    el('test-send').click();
    const call = http.expectOne(`${TEST_API_ROOT}/api/org/acme/hello`);
    expect(call.request.method).toBe('GET');
    expect(call.request.body).toBeNull();
    call.flush('boom', { status: 500, statusText: 'Server Error', headers: { 'Content-Type': 'text/plain' } });
    http
      .expectOne(`${FUNCTIONS_URL}/hello/activations?limit=1&offset=0`)
      .flush({ items: [wireActivation({ status: 'error', cold: false, logs: [], statusCode: 500 })], total: 1 });
    detect();
    expect(el('test-status').textContent).toBe('500');
    expect(el('test-status').classList).toContain('label-danger');
    expect(el('test-body-result').textContent).toBe('boom');
    expect(el('test-start').textContent).toContain('Warm');
    expect(el('test-logs-empty')).not.toBeNull();
  });

  it('reads "Name: value" header lines and skips lines without a name', () => {
    expect(parseHeaderLines('A: 1\n: x\nB:2:3\nnothing')).toEqual({ A: '1', B: '2:3' });
  });
});
