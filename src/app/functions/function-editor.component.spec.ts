import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FUNCTIONS_URL, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { FUNCTIONS_ROUTES } from './functions.routes';

/** The functions pages as the plugin mounts them, without the plugin shell around them. */
const ROUTES = [{ path: 'functions', children: FUNCTIONS_ROUTES }];
import { FunctionEditorComponent } from './function-editor.component';

const RUNTIMES_URL = FUNCTIONS_URL.replace(/functions$/, 'runtimes');
const runtimesInfo = (container: boolean) => ({
  runtimes: [{ runtime: 'nodejs20', sandboxes: ['isolate', 'container'] }, { runtime: 'python3', sandboxes: ['container'] }],
  sandboxes: [{ sandbox: 'isolate', available: true }, { sandbox: 'container', available: container, ...(container ? {} : { reason: 'podman is not installed' }) }],
});

describe('FunctionEditorComponent where containers cannot run', () => {
  it('warns before creating a container function, saying why, and not for an isolate function', async () => {
    TestBed.configureTestingModule({ providers: providePluginTesting({ routes: ROUTES }) });
    const http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/functions/new', FunctionEditorComponent);
    http.expectOne(RUNTIMES_URL).flush(runtimesInfo(false));
    harness.detectChanges();
    const page = harness.routeNativeElement as HTMLElement;
    expect(page.querySelector('[data-test="container-unavailable"]')).toBeNull();
    page.querySelector<HTMLButtonElement>('[data-test="template-python-hello"]')!.click();
    harness.detectChanges();
    expect(page.querySelector('[data-test="container-unavailable"]')?.textContent).toContain('podman is not installed');
    http.verify();
  });
});

describe('FunctionEditorComponent', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  const field = (name: string): HTMLInputElement => page().querySelector<HTMLInputElement>(`[data-test="${name}"]`)!;

  function type(name: string, value: string): void {
    const input = field(name);
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
  }

  function submit(): void {
    page().querySelector<HTMLButtonElement>('[data-test="create-function"]')!.click();
    harness.detectChanges();
  }

  const errorText = (name: string): string =>
    Array.from(page().querySelectorAll(`[data-test="${name}"]`)).map((e) => e.textContent?.trim()).join(' | ');

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: providePluginTesting({ routes: ROUTES }) });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/functions/new', FunctionEditorComponent);
    http.expectOne(RUNTIMES_URL).flush(runtimesInfo(true));
    harness.detectChanges();
  });

  afterEach(() => http.verify());

  it('starts with the Node.js 20 runtime and a hello-world handler in a monospace code editor', () => {
    expect(field('function-runtime').value).toBe('nodejs20');
    const code = field('function-code-input');
    expect(code.textContent).toContain('module.exports = async (event, context) =>');
    expect(code.textContent).toContain("'Hello ' + (event.query.name || 'world')");
    expect(getComputedStyle(code).fontFamily).toMatch(/mono/i);
  });

  it('replaces the code and runtime with a starter template and creates the function with it', () => {
    field('template-python-hello').click();
    harness.detectChanges();
    expect(field('function-runtime').value).toBe('python3');
    expect(field('function-code').getAttribute('data-language')).toBe('python');
    expect(field('function-code-input').textContent).toContain('def handle(event, context):');
    expect(field('function-sandbox').value).toBe('container'); // python runs in a container only
    expect(field('function-mode').value).toBe('per-call');

    field('template-echo').click();
    harness.detectChanges();
    expect(field('function-runtime').value).toBe('nodejs20');
    type('function-name', 'echo');
    type('function-route', 'echo');
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body.code).toContain('body: { method: event.method, path: event.path');
    req.flush({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'route taken' }, { status: 409, statusText: 'Conflict' });
  });

  it('lets a new container function allow egress (sent as network.egress), and offers no network for an isolate', () => {
    expect(page().querySelector('[data-test="function-egress"]')).toBeNull();
    field('template-python-hello').click();
    harness.detectChanges();
    const egress = field('function-egress');
    expect(egress.checked).toBeFalse();
    egress.click();
    type('function-name', 'py-net');
    type('function-route', 'py-net');
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body).toEqual(jasmine.objectContaining({ runtime: 'python3', sandbox: 'container', network: { egress: true } }));
    req.flush(
      { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'x', errors: [{ path: 'network.egress', message: 'egress is off here' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    harness.detectChanges();
    expect(page().textContent).toContain('egress is off here');
  });

  it('explains a name that is not a DNS label and sends nothing', () => {
    type('function-name', 'Hello_World');
    type('function-route', 'hello');
    submit();
    expect(errorText('name-error')).toContain('Use lower-case letters, digits and "-"');
    http.expectNone(FUNCTIONS_URL);
  });

  it('asks for a missing route and rejects a route with invalid parts', () => {
    type('function-name', 'hello');
    submit();
    expect(errorText('route-error')).toContain('Enter a route.');

    type('function-route', 'tools/Echo!');
    harness.detectChanges();
    expect(errorText('route-error')).toContain('"/"-separated parts');
    http.expectNone(FUNCTIONS_URL);
  });

  it('creates the function and opens its detail page', async () => {
    type('function-name', 'hello');
    type('function-route', 'hello');
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body).toEqual(jasmine.objectContaining({ name: 'hello', runtime: 'nodejs20', trigger: { type: 'http', route: 'hello' } }));
    req.flush(wireFunction({ status: 'initializing' }), { status: 202, statusText: 'Accepted' });
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/functions/hello');
    http.match(`${FUNCTIONS_URL}/hello`).forEach((r) => r.flush(wireFunction()));
  });

  /** Chooses options of the event <select multiple> by their shown text (vm/create), as a user's Ctrl-click would. */
  function chooseEvents(values: string[]): void {
    const select = field('function-events') as unknown as HTMLSelectElement;
    for (const option of Array.from(select.options)) option.selected = values.includes(`com/vmware/vcloud/event/${option.textContent?.trim()}`);
    select.dispatchEvent(new Event('change'));
    harness.detectChanges();
  }

  function chooseTrigger(value: 'http' | 'event' | 'schedule'): void {
    const select = field('function-trigger') as unknown as HTMLSelectElement;
    select.value = value;
    select.dispatchEvent(new Event('change'));
    harness.detectChanges();
  }

  it('creates a function triggered by the chosen vCD events instead of a route, with the event starter code', () => {
    chooseTrigger('event');
    expect(field('function-route')).toBeNull();
    const options = Array.from((field('function-events') as unknown as HTMLSelectElement).options).map((o) => o.textContent?.trim());
    expect(options).toContain('vm/create');
    expect(field('function-code-input').textContent).toContain('event.eventId');
    type('function-name', 'on-vm');
    submit();
    expect(errorText('function-events-error')).toContain('Choose at least one event type.');
    http.expectNone(FUNCTIONS_URL);

    chooseEvents(['com/vmware/vcloud/event/vm/create', 'com/vmware/vcloud/event/vm/change_state']);
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body.trigger).toEqual({
      type: 'event',
      events: ['com/vmware/vcloud/event/vm/create', 'com/vmware/vcloud/event/vm/change_state'],
    });
    expect(req.request.body.code).toContain('event.eventId');
    req.flush(
      { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'invalid function', errors: [{ path: 'trigger.events.1', message: 'not a vCD notification type' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    harness.detectChanges();
    expect(errorText('function-events-error')).toContain('not a vCD notification type');
  });

  it('offers the showback budget alert as a product event source and creates a function subscribed to it', async () => {
    chooseTrigger('event');
    const select = field('function-events') as unknown as HTMLSelectElement;
    const groups = Array.from(select.querySelectorAll('optgroup')).map((g) => g.label);
    expect(groups).toEqual(['vCD notifications', 'Product events']);
    const budget = select.querySelector('[data-test="event-showback/budget.threshold"]') as HTMLOptionElement;
    expect(budget.textContent?.trim()).toBe('showback/budget.threshold · a showback budget alert');
    type('function-name', 'power-off-dev');
    budget.selected = true;
    select.dispatchEvent(new Event('change'));
    harness.detectChanges();
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body.trigger).toEqual({ type: 'event', events: ['showback/budget.threshold'] });
    req.flush(wireFunction({ name: 'power-off-dev', status: 'initializing' }), { status: 202, statusText: 'Accepted' });
    await harness.fixture.whenStable();
    http.match(`${FUNCTIONS_URL}/power-off-dev`).forEach((r) => r.flush(wireFunction({ name: 'power-off-dev' })));
  });

  it('creates a scheduled function from a cron pattern and time zone, previewing the next runs and showing the backend\'s field error', () => {
    chooseTrigger('schedule');
    expect(field('function-route')).toBeNull();
    type('function-name', 'nightly');
    type('function-cron', '30 2 * * *');
    type('function-timezone', 'Europe/Berlin');
    harness.detectChanges();
    const runs = Array.from(page().querySelectorAll('[data-test="schedule-next-run"]')).map((e) => e.textContent?.trim() ?? '');
    expect(runs.length).toBe(3);
    for (const run of runs) expect(run).toMatch(/2:30|02:30/);
    expect(page().querySelector('[data-test="schedule-preview"]')?.textContent).toContain('Europe/Berlin');

    type('function-cron', '61 * * * *');
    harness.detectChanges();
    expect(page().querySelector('[data-test="schedule-preview-problem"]')?.textContent).toContain('does not parse');

    type('function-cron', '*/10 * * * *');
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body.trigger).toEqual({ type: 'schedule', cron: '*/10 * * * *', timezone: 'Europe/Berlin' });
    expect(req.request.body.code).not.toContain('event.query');
    req.flush(
      { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'invalid function', errors: [{ path: 'trigger.timezone', message: 'timezone is not a known IANA time zone' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    harness.detectChanges();
    expect(errorText('timezone-error')).toContain('not a known IANA time zone');
  });

  it('goes back to a route and the hello-world code when HTTP is chosen again', () => {
    chooseTrigger('event');
    chooseTrigger('http');
    expect(field('function-events')).toBeNull();
    expect(field('function-code-input').textContent).toContain('event.query.name');
    type('function-name', 'hello');
    type('function-route', 'hello');
    submit();
    const req = http.expectOne(FUNCTIONS_URL);
    expect(req.request.body.trigger).toEqual({ type: 'http', route: 'hello' });
    req.flush({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'route taken' }, { status: 409, statusText: 'Conflict' });
  });

  it("shows the backend's problem in an alert and its field error under the route", () => {
    type('function-name', 'hello');
    type('function-route', 'faas');
    submit();
    http.expectOne(FUNCTIONS_URL).flush(
      {
        type: 'about:blank',
        title: 'Invalid request',
        status: 400,
        detail: 'The request has 1 invalid field.',
        errors: [{ path: 'trigger.route', message: 'route starts with a reserved word (faas, showback, autoscale or a vCD path)' }],
      },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    harness.detectChanges();
    expect(page().querySelector('[data-test="problem-alert"] .alert-danger')).not.toBeNull();
    expect(page().querySelector('[data-test="problem-detail"]')?.textContent).toContain('The request has 1 invalid field.');
    expect(page().querySelector('[data-test="problem-field-errors"]')?.textContent).toContain('trigger.route');
    expect(errorText('route-error')).toContain('route starts with a reserved word');
    expect(TestBed.inject(Router).url).toBe('/functions/new');
  });
});
