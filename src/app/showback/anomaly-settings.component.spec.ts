import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { providePluginTesting } from '../../testing/plugin-testing';
import { SHOWBACK_URL } from '../../testing/showback-testing';
import { AnomalySettingsComponent } from './anomaly-settings.component';
import { ShowbackService } from './showback.service';

describe('AnomalySettingsComponent', () => {
  let fixture: ComponentFixture<AnomalySettingsComponent>;
  let http: HttpTestingController;
  const q = <T extends HTMLElement = HTMLElement>(test: string): T | null => (fixture.nativeElement as HTMLElement).querySelector<T>(`[data-test="${test}"]`);

  function setUp(locale = 'en-US', saved = { webhookUrl: null as string | null, function: null as string | null }): void {
    TestBed.configureTestingModule({ imports: [AnomalySettingsComponent], providers: [...providePluginTesting({ locale }), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AnomalySettingsComponent);
    fixture.detectChanges();
    http.expectOne(`${SHOWBACK_URL}/anomalies/settings`).flush(saved);
    fixture.detectChanges();
  }

  function type(test: string, value: string): void {
    const input = q<HTMLInputElement>(test)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    fixture.detectChanges();
  }

  afterEach(() => http.verify());

  it("shows where the org's anomaly alerts go, saves a webhook and a function, and hands on the secret shown once", () => {
    setUp('en-US', { webhookUrl: null, function: 'old-fn' });
    expect(q<HTMLInputElement>('anomaly-function')!.value).toBe('old-fn');
    const secrets: string[] = [];
    fixture.componentInstance.secret.subscribe((s) => secrets.push(s));
    type('anomaly-webhook', 'https://hooks.example.test/anomaly');
    type('anomaly-function', '');
    q<HTMLButtonElement>('anomaly-settings-save')!.click();
    const req = http.expectOne({ method: 'PUT', url: `${SHOWBACK_URL}/anomalies/settings` });
    // Empty means none: null, so every subscribed function runs.
    expect(req.request.body).toEqual({ webhookUrl: 'https://hooks.example.test/anomaly', function: null });
    req.flush({ webhookUrl: 'https://hooks.example.test/anomaly', function: null, webhookSecret: 'abc123' });
    fixture.detectChanges();
    expect(q('anomaly-settings-saved')?.textContent).toContain('Saved.');
    expect(secrets).toEqual(['abc123']);
  });

  it("refuses a URL that is not http(s) before sending, and shows the backend's field problem in German", () => {
    setUp('de-DE');
    expect(q('anomaly-settings')?.textContent).toContain('Alarme bei Kostenanomalien');
    type('anomaly-webhook', 'ftp://x');
    q<HTMLButtonElement>('anomaly-settings-save')!.click();
    http.expectNone({ method: 'PUT', url: `${SHOWBACK_URL}/anomalies/settings` });
    type('anomaly-webhook', '');
    type('anomaly-function', 'nope');
    q<HTMLButtonElement>('anomaly-settings-save')!.click();
    http.expectOne({ method: 'PUT', url: `${SHOWBACK_URL}/anomalies/settings` }).flush(
      { type: 'about:blank', title: 'invalid', status: 400, detail: 'function "nope" does not exist in this organization', errors: [{ path: 'function', message: 'no function "nope"' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-alert')?.textContent).toContain('function "nope" does not exist');
    expect(q('anomaly-settings-saved')).toBeNull();
  });
});
