import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Alert, Budget } from '../../../contract/showback-budgets';
import { providePluginTesting } from '../../testing/plugin-testing';
import { ShowbackBudgetsComponent, budgetRequest } from './showback-budgets.component';
import { ShowbackService } from './showback.service';
import { SHOWBACK_URL, wireAlert, wireBudget } from '../../testing/showback-testing';

const plain = (text: string | null | undefined): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

describe('ShowbackBudgetsComponent', () => {
  let fixture: ComponentFixture<ShowbackBudgetsComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const q = <T extends Element = HTMLElement>(test: string): T | null => page().querySelector<T>(`[data-test="${test}"]`);

  function setUp(locale = 'en-US'): void {
    TestBed.configureTestingModule({ imports: [ShowbackBudgetsComponent], providers: [...providePluginTesting({ locale }), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShowbackBudgetsComponent);
    fixture.detectChanges();
    http.expectOne(`${SHOWBACK_URL}/anomalies/settings`).flush({ webhookUrl: null, function: null });
  }

  function answer(budgets: Budget[], alerts: Alert[] = []): void {
    http.expectOne(`${SHOWBACK_URL}/budgets`).flush({ items: budgets, total: budgets.length });
    http.expectOne(`${SHOWBACK_URL}/alerts`).flush({ items: alerts, total: alerts.length });
    fixture.detectChanges();
  }

  async function type(test: string, value: string): Promise<void> {
    const input = q<HTMLInputElement | HTMLSelectElement>(test)!;
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
    fixture.detectChanges();
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  it('lists budgets with their state and lets the tenant delete only the budgets it may change', () => {
    setUp();
    answer([wireBudget(), wireBudget({ id: 'bud-2', name: 'Contract', providerOwned: true, editable: false })]);
    const budgets = page().querySelectorAll('[data-test="budget"]');
    expect(budgets.length).toBe(2);
    expect(budgets[0].querySelector('[data-test="budget-delete"]')).not.toBeNull();
    expect(budgets[1].querySelector('[data-test="budget-delete"]')).toBeNull();
    expect(budgets[1].querySelector('[data-test="budget-provider"]')).not.toBeNull();
    budgets[0].querySelector<HTMLButtonElement>('[data-test="budget-delete"]')!.click();
    http.expectOne({ method: 'DELETE', url: `${SHOWBACK_URL}/budgets/bud-1` }).flush(null, { status: 204, statusText: 'No Content' });
    answer([wireBudget({ id: 'bud-2', name: 'Contract', providerOwned: true, editable: false })]);
    expect(page().querySelectorAll('[data-test="budget"]').length).toBe(1);
  });

  it('adds a budget for one service in minor units and shows the webhook secret of that answer once', async () => {
    setUp();
    answer([]);
    expect(q('budgets-empty')?.textContent).toContain('No budgets yet');
    await type('budget-name-input', 'Compute');
    await type('budget-amount', '250.5');
    await type('budget-scope-select', 'service');
    await type('budget-scope-value', 'compute');
    await type('budget-forecast', '120');
    await type('budget-webhook', 'https://hooks.example.test/budget');
    q<HTMLButtonElement>('budget-create')!.click();
    const req = http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/budgets` });
    expect(req.request.body).toEqual({
      name: 'Compute',
      amount: 25050,
      service: 'compute',
      thresholds: [{ type: 'actual', percent: 80 }, { type: 'forecast', percent: 120 }],
      webhookUrl: 'https://hooks.example.test/budget',
    });
    req.flush({ ...wireBudget({ name: 'Compute', service: 'compute' }), webhookSecret: 'a1b2c3' });
    answer([wireBudget({ name: 'Compute', service: 'compute' })]);
    expect(q('budgets-secret-value')?.textContent).toBe('a1b2c3');
    expect(q('budget-scope')?.textContent).toContain('Service compute');
  });

  it("refuses a threshold above 1000 % before sending, and shows the backend's field problem", async () => {
    setUp();
    answer([]);
    await type('budget-name-input', 'x');
    await type('budget-amount', '10');
    await type('budget-actual', '1001');
    q<HTMLButtonElement>('budget-create')!.click();
    fixture.detectChanges();
    http.expectNone(`${SHOWBACK_URL}/budgets`);
    expect(page().textContent).toContain('Between 0 and 1000 %.');
    await type('budget-actual', '90');
    await type('budget-webhook', 'https://evil.example/x');
    q<HTMLButtonElement>('budget-create')!.click();
    http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/budgets` }).flush(
      { type: 'x', title: 'invalid', status: 400, detail: 'alert webhooks may not call evil.example', errors: [{ path: 'webhookUrl', message: 'host evil.example is not in the allowed hosts' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-field-errors')?.textContent).toContain('webhookUrl');
  });

  it("shows alerts with their delivery state and, in German, each attempt's error", () => {
    setUp('de-DE');
    answer([wireBudget()], [wireAlert()]);
    const row = q('alert-row')!;
    expect(plain(row.textContent)).toContain('Kosten 80 %');
    expect(row.querySelector('[data-test="alert-delivery"]')?.textContent).toContain('Fehlgeschlagen');
    row.querySelector<HTMLButtonElement>('[data-test="alert-deliveries-toggle"]')!.click();
    http.expectOne(`${SHOWBACK_URL}/alerts/al-1`).flush({
      ...wireAlert(),
      deliveries: [1, 2].map((attempt) => ({ attempt, at: '2026-11-24T10:00:00.000Z', url: 'https://hooks.example.test/x', status: 500, error: 'the receiver answered HTTP 500', durationMs: 3 })),
    });
    fixture.detectChanges();
    const attempts = page().querySelectorAll('[data-test="alert-delivery-attempt"]');
    expect(attempts.length).toBe(2);
    expect(attempts[1].textContent).toContain('the receiver answered HTTP 500');
  });

  it('shows the functions an alert ran, linked to them, or that none subscribes (en and de)', () => {
    setUp();
    answer([wireBudget()], [wireAlert({ functions: { state: 'done', target: 'power-off', ran: ['power-off'], lastError: null } }), wireAlert({ id: 'al-2', functions: { state: 'done', target: null, ran: [], lastError: null } })]);
    const cells = page().querySelectorAll('[data-test="alert-functions"]');
    expect(cells[0].querySelector('[data-test="alert-function"]')?.textContent?.trim()).toBe('power-off');
    expect(cells[0].querySelector('a')?.getAttribute('href')).toContain('/functions/power-off');
    expect(cells[1].textContent?.trim()).toBe('None subscribed');
  });

  const anomalyAlert = () =>
    wireAlert({
      id: 'al-3',
      kind: 'cost.anomaly',
      budgetId: null,
      budgetName: null,
      type: null,
      percent: null,
      amount: null,
      threshold: 1000,
      value: 1500,
      delivery: { state: 'delivered', attempts: 1, nextAttemptAt: null, lastError: null },
      functions: { state: 'done', target: 'on-anomaly', ran: ['on-anomaly'], lastError: null },
      anomaly: { id: 'an-1', day: '2026-11-02', service: 'compute', expected: 900, low: 800, high: 1000, delta: 600, vappId: 'urn:vcloud:vapp:web', vappName: 'web-shop', vappDelta: 550 },
    });

  it('shows an anomaly alert beside the budget alerts: the service, the day and band it left, the vApp', () => {
    setUp();
    answer([wireBudget()], [anomalyAlert(), wireAlert()]);
    const rows = page().querySelectorAll('[data-test="alert-row"]');
    expect(rows.length).toBe(2);
    expect(plain(rows[0].querySelector('[data-test="alert-anomaly"]')?.textContent)).toBe('Cost anomaly: compute');
    expect(plain(rows[0].textContent)).toContain('Nov 2, 2026, outside €8.00 – €10.00 · vApp web-shop');
    expect(plain(rows[0].textContent)).toContain('€15.00 / €10.00');
    expect(rows[0].querySelector('[data-test="alert-function"]')?.textContent?.trim()).toBe('on-anomaly');
    expect(rows[1].querySelector('[data-test="alert-anomaly"]')).toBeNull();
  });

  it('shows an anomaly alert in German', () => {
    setUp('de-DE');
    answer([], [anomalyAlert()]);
    expect(plain(q('alert-row')?.textContent)).toContain('Kostenanomalie: compute');
    expect(plain(q('alert-row')?.textContent)).toContain('02.11.2026, außerhalb 8,00 € – 10,00 € · vApp web-shop');
  });

  it('sends the target function of a new budget', async () => {
    setUp('de-DE');
    answer([]);
    expect(page().textContent).toContain('Funktion (optional)');
    await type('budget-name-input', 'dev');
    await type('budget-amount', '10');
    await type('budget-function', ' power-off ');
    q<HTMLButtonElement>('budget-create')!.click();
    const req = http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/budgets` });
    expect(req.request.body).toEqual(jasmine.objectContaining({ name: 'dev', amount: 1000, function: 'power-off' }));
    req.flush(wireBudget({ name: 'dev', function: 'power-off' }), { status: 201, statusText: 'Created' });
    answer([wireBudget({ name: 'dev', function: 'power-off' })]);
  });

  it('checks now and says how many alerts the check recorded', () => {
    setUp();
    answer([wireBudget()]);
    q<HTMLButtonElement>('budgets-check')!.click();
    http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/budgets/check` }).flush({ checked: 1, alerts: [wireAlert()] });
    answer([wireBudget()], [wireAlert()]);
    expect(q('budgets-checked')?.textContent).toContain('New alerts recorded: 1.');
  });
});

// Outside the component's describe: it sets up no TestBed, so that describe's afterEach (http.verify) has nothing to
// verify, and under Jasmine's random order it failed whenever this test ran before any other.
describe('budgetRequest', () => {
  it('builds the request without empty thresholds or webhook', () => {
    expect(budgetRequest({ name: ' a ', amount: 1, scope: 'org', scopeValue: 'ignored', actualPct: null, forecastPct: null, webhookUrl: ' ' })).toEqual({ name: 'a', amount: 100 });
  });
});
