import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { RateCardView } from '../../../contract/showback';
import { providePluginTesting } from '../../testing/plugin-testing';
import { ShowbackRateCardComponent, formatRate } from './showback-ratecard.component';
import { ShowbackService } from './showback.service';
import { SHOWBACK_URL } from '../../testing/showback-testing';

const RATECARD_URL = `${SHOWBACK_URL}/ratecard`;
const RATES = { vcpuHour: 0.02, ramGbHour: 0.005, storageGbMonth: 0.08, functionInvocation: 0.0000002, functionGbSecond: 0.0000166667 };

function wireCard(overrides: Partial<RateCardView> = {}): RateCardView {
  return { currency: 'EUR', rates: { ...RATES, metered: {} }, overrides: {}, editable: true, ...overrides };
}

describe('ShowbackRateCardComponent', () => {
  let fixture: ComponentFixture<ShowbackRateCardComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const q = <T extends Element = HTMLElement>(test: string): T | null => page().querySelector<T>(`[data-test="${test}"]`);

  function setUp(locale = 'en-US'): void {
    TestBed.configureTestingModule({ imports: [ShowbackRateCardComponent], providers: [...providePluginTesting({ locale }), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShowbackRateCardComponent);
    fixture.detectChanges();
  }

  function answer(card: RateCardView): void {
    http.expectOne(RATECARD_URL).flush(card);
    fixture.detectChanges();
  }

  async function type(test: string, value: string, index = 0): Promise<void> {
    const input = page().querySelectorAll<HTMLInputElement>(`[data-test="${test}"]`)[index];
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    fixture.detectChanges();
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  it('shows a tenant the prices its org is charged, read only, in the locale', () => {
    setUp('de-DE');
    answer(wireCard({ editable: false, rates: { ...RATES, vcpuHour: 0.025, metered: { 'mq.calls': 0.001 } } }));
    expect(q('ratecard-form')).toBeNull();
    const rows = Array.from(page().querySelectorAll<HTMLElement>('[data-test="ratecard-row"]'));
    expect(rows.map((r) => r.getAttribute('data-rate'))).toEqual(['vcpuHour', 'ramGbHour', 'storageGbMonth', 'functionInvocation', 'functionGbSecond', 'mq.calls']);
    expect(rows[0].textContent).toContain('je vCPU-Stunde');
    expect(rows[0].querySelector('[data-test="ratecard-price"]')?.textContent?.replace(/\s/g, ' ')).toBe('0,025 €');
    expect(rows[4].querySelector('[data-test="ratecard-price"]')?.textContent?.replace(/\s/g, ' ')).toBe('0,0000166667 €');
    expect(rows[5].textContent).toContain('mq.calls');
  });

  it('lets the provider change prices and add an org override, sending only the filled override prices', async () => {
    setUp();
    answer(wireCard({ rates: { ...RATES, metered: { 'mq.calls': 0.001 } }, overrides: { globex: { ramGbHour: 0.004 } } }));
    expect(q<HTMLInputElement>('ratecard-vcpuHour')?.value).toBe('0.02');
    expect(q<HTMLInputElement>('ratecard-functionInvocation')?.value).toBe('0.0000002');
    expect(page().querySelectorAll('[data-test="ratecard-override"]').length).toBe(1);
    expect(q('ratecard-metered-kept')?.textContent).toContain('1 metered service prices are kept');
    await type('ratecard-vcpuHour', '0.03');
    q<HTMLButtonElement>('override-add')!.click();
    fixture.detectChanges();
    await type('override-org', 'ACME', 1);
    await type('override-vcpuHour', '0,025', 1);
    q<HTMLButtonElement>('ratecard-save')!.click();
    const req = http.expectOne({ method: 'PUT', url: RATECARD_URL });
    expect(req.request.body).toEqual({
      currency: 'EUR',
      rates: { ...RATES, vcpuHour: 0.03, metered: { 'mq.calls': 0.001 } },
      overrides: { globex: { ramGbHour: 0.004 }, acme: { vcpuHour: 0.025 } },
    });
    const { editable: _e, ...saved } = wireCard({ overrides: { acme: { vcpuHour: 0.025 } } });
    req.flush(saved);
    fixture.detectChanges();
    expect(q('ratecard-saved')?.textContent).toContain('Rate card saved');
    expect(page().querySelectorAll('[data-test="ratecard-override"]').length).toBe(1);
  });

  it('refuses a negative or non-numeric price before sending and shows the field error the backend names', async () => {
    setUp();
    answer(wireCard());
    await type('ratecard-ramGbHour', '-1');
    q<HTMLButtonElement>('ratecard-save')!.click();
    fixture.detectChanges();
    http.expectNone({ method: 'PUT', url: RATECARD_URL });
    expect(q('ratecard-ramGbHour-error')?.textContent).toContain('Enter a price of 0 or more');
    await type('ratecard-ramGbHour', 'cheap');
    q<HTMLButtonElement>('ratecard-save')!.click();
    fixture.detectChanges();
    expect(q('ratecard-ramGbHour-error')?.textContent).toContain('Enter a price of 0 or more');

    await type('ratecard-ramGbHour', '0.01');
    q<HTMLButtonElement>('ratecard-save')!.click();
    http.expectOne({ method: 'PUT', url: RATECARD_URL }).flush(
      { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'invalid rate card', errors: [{ path: 'rates.storageGbMonth', message: 'must be at most 1000' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-detail')?.textContent).toContain('invalid rate card');
    expect(q('ratecard-storageGbMonth-error')?.textContent).toContain('must be at most 1000');
  });
});

// Apart from the component's specs: their afterEach verifies an HTTP controller this one never sets up.
describe('formatRate', () => {
  it('formats tiny unit prices without rounding them away', () => {
    expect(formatRate(0.0000002, 'EUR', 'en-US')).toBe('€0.0000002');
    expect(formatRate(1.5, 'USD', 'en-US')).toBe('$1.50');
  });
});
