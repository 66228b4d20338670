import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed, fakeAsync, flush, tick } from '@angular/core/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FUNCTIONS_URL, TEST_API_ROOT, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { POLL_INTERVAL_MS } from '../core/poll';
import { FUNCTIONS_ROUTES } from './functions.routes';

/** The functions pages as the plugin mounts them, without the plugin shell around them. */
const ROUTES = [{ path: 'functions', children: FUNCTIONS_ROUTES }];
import { FunctionDetailComponent } from './function-detail.component';
import { EditorView } from '@codemirror/view';

describe('FunctionDetailComponent', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  const el = (test: string): HTMLElement | null => page().querySelector<HTMLElement>(`[data-test="${test}"]`);

  async function open(fn: Record<string, unknown>): Promise<void> {
    await harness.navigateByUrl('/functions/hello', FunctionDetailComponent);
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(fn);
    harness.detectChanges();
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: providePluginTesting({ routes: ROUTES }) });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  it('shows the status, full route, runtime and code of the function', async () => {
    await open(wireFunction());
    expect(el('function-title')?.textContent).toBe('hello');
    expect(el('function-status')?.getAttribute('data-status')).toBe('ready');
    expect(el('function-url')?.textContent).toBe('/api/org/acme/hello');
    expect(el('function-runtime')?.textContent).toBe('nodejs20');
    expect(el('function-code')?.textContent).toContain('Hello world');
    expect(el('function-error')).toBeNull();
  });

  it('shows the vCD event types an event-triggered function runs on, and offers no HTTP invoke or test', async () => {
    const { url: _url, ...rest } = wireFunction();
    await open({ ...rest, trigger: { type: 'event', events: ['com/vmware/vcloud/event/vm/create', 'com/vmware/vcloud/event/vm/delete'] } });
    const shown = Array.from(page().querySelectorAll('[data-test="function-event"]')).map((e) => e.textContent?.trim());
    expect(shown).toEqual(['vm/create', 'vm/delete']);
    expect(el('function-url')).toBeNull();
    expect(el('invoke-function')).toBeNull();
    expect(el('tab-test')).toBeNull();
    expect(el('tab-activations')).not.toBeNull();
  });

  it('lists a scheduled function\'s schedules with their next runs, and offers no HTTP invoke when it has no route', async () => {
    const { url: _url, ...rest } = wireFunction();
    const trigger = { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' };
    await open({ ...rest, trigger, triggers: [trigger] });
    const schedules = Array.from(page().querySelectorAll('[data-test="function-schedule"]'));
    expect(schedules.length).toBe(1);
    expect(schedules[0].textContent).toContain('0 9 * * 1-5 in Europe/Berlin');
    expect(schedules[0].querySelectorAll('[data-test="schedule-next-run"]').length).toBe(3);
    expect(el('function-url')).toBeNull();
    expect(el('invoke-function')).toBeNull();
  });

  it('shows the route and the schedules of a function that has both', async () => {
    const schedule = { type: 'schedule', cron: '0 * * * *', timezone: 'UTC' };
    await open(wireFunction({ triggers: [{ type: 'http', route: 'hello' }, schedule] }));
    expect(el('function-url')?.textContent).toBe('/api/org/acme/hello');
    expect(el('function-schedule')?.textContent).toContain('0 * * * * in UTC');
  });

  it('shows where the code failed to build, with line and column', async () => {
    await open(wireFunction({ status: 'failed', error: { message: 'Unexpected token )', line: 3, column: 14 } }));
    expect(el('function-status')?.getAttribute('data-status')).toBe('failed');
    expect(el('function-error')?.textContent).toContain('line 3, column 14');
    expect(el('function-error')?.textContent).toContain('Unexpected token )');
  });

  it('invokes the function and shows the status code and the response body', async () => {
    await open(wireFunction());
    el('invoke-function')!.click();
    const req = http.expectOne(`${TEST_API_ROOT}/api/org/acme/hello`);
    expect(req.request.method).toBe('GET');
    req.flush('{"message":"Hello world"}', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/json' } });
    harness.detectChanges();
    expect(el('invoke-status')?.textContent).toBe('200');
    expect(el('invoke-status')?.classList).toContain('label-success');
    expect(el('invoke-body')?.textContent).toContain('"message": "Hello world"');
  });

  it('keeps Invoke disabled until the function is ready, re-reading it meanwhile', fakeAsync(() => {
    void harness.navigateByUrl('/functions/hello', FunctionDetailComponent);
    tick();
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ status: 'initializing' }));
    harness.detectChanges();
    expect((el('invoke-function') as HTMLButtonElement).disabled).toBeTrue();

    tick(POLL_INTERVAL_MS);
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ status: 'ready' }));
    harness.detectChanges();
    expect((el('invoke-function') as HTMLButtonElement).disabled).toBeFalse();
    flush();
  }));

  it('deletes the function only after the user confirms, then returns to the list', async () => {
    await open(wireFunction());
    el('delete-function')!.click();
    harness.detectChanges();
    expect(document.querySelector('[data-test="delete-modal"] .modal-body')?.textContent).toContain('Delete the function hello?');
    http.expectNone(`${FUNCTIONS_URL}/hello`);

    document.querySelector<HTMLButtonElement>('[data-test="confirm-delete"]')!.click();
    const req = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/functions');
    harness.detectChanges();
    http.expectOne(`${FUNCTIONS_URL}?limit=500`).flush({ items: [], total: 0 });
  });

  it("shows vCD's answer in an alert when the function does not exist", async () => {
    await harness.navigateByUrl('/functions/hello', FunctionDetailComponent);
    http
      .expectOne(`${FUNCTIONS_URL}/hello`)
      .flush({ type: 'about:blank', title: 'Not found', status: 404, detail: 'function hello does not exist' }, { status: 404, statusText: 'Not Found' });
    harness.detectChanges();
    expect(el('problem-detail')?.textContent).toContain('function hello does not exist');
  });

  const TWO_LINES = 'module.exports = async (event) => {\n  return { statusCode: 200, body: ( };\n};\n';

  it('marks the failed build in the code editor at its line', async () => {
    await open(wireFunction({ code: TWO_LINES, status: 'failed', error: { message: 'Unexpected token }', line: 2, column: 37 } }));
    const marked = page().querySelector('[data-test="function-code"] .cm-lintRange-error') as HTMLElement;
    expect(marked).not.toBeNull();
    const lines = Array.from(page().querySelectorAll('[data-test="function-code"] .cm-line'));
    expect(lines.indexOf(marked.closest('.cm-line') as Element)).toBe(1);
  });

  it('saves edited code and limits as a new version and follows its build while the old version serves', fakeAsync(() => {
    void harness.navigateByUrl('/functions/hello', FunctionDetailComponent);
    tick();
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ version: 1, latestVersion: 1 }));
    harness.detectChanges();
    const view = EditorView.findFromDOM(page().querySelector('[data-test="function-code"] .cm-editor') as HTMLElement)!;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'module.exports = async () => ({ body: 2 });' } });
    const memory = el('edit-memory') as HTMLInputElement;
    memory.value = '256';
    memory.dispatchEvent(new Event('input'));
    el('save-function')!.click();

    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ runtime: 'nodejs20', sandbox: 'isolate', code: 'module.exports = async () => ({ body: 2 });', limits: { memoryMb: 256, timeoutMs: 1000 } });
    put.flush(wireFunction({ version: 1, latestVersion: 2, status: 'initializing' }));
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ version: 1, latestVersion: 2, status: 'initializing' }));
    harness.detectChanges();
    expect(el('function-building')?.textContent).toContain('Version 2 is being built');
    expect((el('invoke-function') as HTMLButtonElement).disabled).toBeFalse();

    tick(POLL_INTERVAL_MS);
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(
      wireFunction({ version: 2, latestVersion: 2, code: 'module.exports = async () => ({ body: 2 });', limits: { memoryMb: 256, timeoutMs: 1000 } }),
    );
    harness.detectChanges();
    expect(el('function-version')?.textContent).toContain('Version 2');
    expect(el('function-building')).toBeNull();
    expect(view.state.doc.toString()).toBe('module.exports = async () => ({ body: 2 });');
    flush();
  }));

  it('changes a scheduled function\'s pattern and zone with a new preview, and shows the backend\'s field error', async () => {
    const { url: _url, ...rest } = wireFunction();
    const trigger = { type: 'schedule', cron: '0 9 * * *', timezone: 'UTC' };
    await open({ ...rest, trigger, triggers: [trigger] });
    const cron = el('edit-cron') as HTMLInputElement;
    expect(cron.value).toBe('0 9 * * *');
    cron.value = '30 6 * * 1';
    cron.dispatchEvent(new Event('input'));
    const zone = el('edit-timezone') as HTMLInputElement;
    zone.value = 'Asia/Tokyo';
    zone.dispatchEvent(new Event('input'));
    harness.detectChanges();
    expect(page().querySelector('[data-test="edit-form"] [data-test="schedule-preview"]')?.textContent).toContain('Asia/Tokyo');
    el('save-function')!.click();
    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.body.trigger).toEqual({ type: 'schedule', cron: '30 6 * * 1', timezone: 'Asia/Tokyo' });
    put.flush(
      { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'invalid function', errors: [{ path: 'trigger.cron', message: 'cron does not parse' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    harness.detectChanges();
    expect(el('edit-cron-error')?.textContent).toContain('cron does not parse');
  });

  it('refuses a memory limit outside its bounds without saving', async () => {
    await open(wireFunction());
    const memory = el('edit-memory') as HTMLInputElement;
    memory.value = '4096';
    memory.dispatchEvent(new Event('input'));
    el('save-function')!.click();
    harness.detectChanges();
    expect(el('memory-error')?.textContent).toContain('from 8 to 1024');
    http.expectNone(`${FUNCTIONS_URL}/hello`);
  });

  it('sends a new secret once and shows only its name afterwards', async () => {
    await open(wireFunction({ env: { GREETING: 'hi' }, secretNames: [] }));
    el('secret-add')!.click();
    harness.detectChanges();
    const name = el('secret-new-name') as HTMLInputElement;
    name.value = 'DB_PASSWORD';
    name.dispatchEvent(new Event('input'));
    const value = el('secret-new-value') as HTMLInputElement;
    value.value = 'hunter2-secret';
    value.dispatchEvent(new Event('input'));
    el('env-save')!.click();
    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.body).toEqual({ env: { GREETING: 'hi' }, secrets: { DB_PASSWORD: 'hunter2-secret' } });
    put.flush(wireFunction({ version: 1, latestVersion: 2, env: { GREETING: 'hi' }, secretNames: ['DB_PASSWORD'] }));
    http.expectOne(`${FUNCTIONS_URL}/hello`).flush(wireFunction({ version: 2, latestVersion: 2, env: { GREETING: 'hi' }, secretNames: ['DB_PASSWORD'] }));
    harness.detectChanges();
    expect(page().querySelector('[data-test="secret-name"]')?.textContent).toBe('DB_PASSWORD');
    expect(page().textContent).not.toContain('hunter2-secret');
    expect(Array.from(page().querySelectorAll('input')).some((i) => i.value === 'hunter2-secret')).toBeFalse();
  });

  it('moves a function switched to Python into a container and saves the chosen container mode', async () => {
    await open(wireFunction({ sandbox: 'isolate' }));
    expect(el('edit-mode')).toBeNull();
    const runtime = el('edit-runtime') as HTMLSelectElement;
    runtime.value = 'python3';
    runtime.dispatchEvent(new Event('change'));
    harness.detectChanges();
    expect((el('edit-sandbox') as HTMLSelectElement).value).toBe('container');
    const mode = el('edit-mode') as HTMLSelectElement;
    mode.value = 'warm';
    mode.dispatchEvent(new Event('change'));
    el('save-function')!.click();
    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.body).toEqual(jasmine.objectContaining({ runtime: 'python3', sandbox: 'container', mode: 'warm' }));
    put.flush({ type: 'about:blank', title: 'Invalid request', status: 400, detail: 'no container engine', errors: [{ path: 'sandbox', message: 'container functions need an engine' }] },
      { status: 400, statusText: 'Bad Request' });
    harness.detectChanges();
    expect(page().textContent).toContain('container functions need an engine');
  });

  it('lets a container function allow egress, and offers no network for an isolate', async () => {
    await open(wireFunction({ sandbox: 'container', mode: 'per-call', network: { egress: false } }));
    const egress = el('edit-egress') as HTMLInputElement;
    expect(egress.checked).toBeFalse();
    egress.click();
    el('save-function')!.click();
    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.body).toEqual(jasmine.objectContaining({ sandbox: 'container', network: { egress: true } }));
    put.flush({ type: 'about:blank', title: 'Invalid request', status: 400, detail: 'x', errors: [{ path: 'network.egress', message: 'egress is off here' }] },
      { status: 400, statusText: 'Bad Request' });
    harness.detectChanges();
    expect(page().textContent).toContain('egress is off here');

    const sandbox = el('edit-sandbox') as HTMLSelectElement;
    sandbox.value = 'isolate';
    sandbox.dispatchEvent(new Event('change'));
    harness.detectChanges();
    expect(el('edit-egress')).toBeNull();
  });

  it("changes an event function's event types as a new version, and needs at least one", async () => {
    const { url: _url, ...rest } = wireFunction();
    await open({ ...rest, trigger: { type: 'event', events: ['com/vmware/vcloud/event/vm/create'] } });
    const select = el('edit-events') as HTMLSelectElement;
    const choose = (labels: string[]) => {
      for (const option of Array.from(select.options)) option.selected = labels.includes(option.textContent!.trim());
      select.dispatchEvent(new Event('change'));
      harness.detectChanges();
    };
    expect(Array.from(select.selectedOptions).map((o) => o.textContent!.trim())).toEqual(['vm/create']);
    choose([]);
    el('save-function')!.click();
    harness.detectChanges();
    expect(el('edit-events-error')?.textContent).toContain('Choose at least one event type.');
    http.expectNone(`${FUNCTIONS_URL}/hello`);

    choose(['vm/delete', 'vapp/create']);
    el('save-function')!.click();
    const put = http.expectOne(`${FUNCTIONS_URL}/hello`);
    expect(put.request.body.trigger).toEqual({ type: 'event', events: ['com/vmware/vcloud/event/vm/delete', 'com/vmware/vcloud/event/vapp/create'] });
    put.flush({ ...rest, trigger: { type: 'event', events: ['com/vmware/vcloud/event/vapp/create', 'com/vmware/vcloud/event/vm/delete'] }, version: 2, latestVersion: 2 });
    harness.detectChanges();
    http.match(`${FUNCTIONS_URL}/hello`).forEach((r) => r.flush({ ...rest, trigger: { type: 'event', events: ['com/vmware/vcloud/event/vm/delete'] } }));
  });
});
