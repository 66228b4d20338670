import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { providePluginTesting } from '../../testing/plugin-testing';
import { ShowbackService } from './showback.service';
import { ShowbackSourcesComponent } from './showback-sources.component';
import { SHOWBACK_URL, wireSource } from '../../testing/showback-testing';

const SOURCES_URL = `${SHOWBACK_URL}/sources`;

describe('ShowbackSourcesComponent', () => {
  let fixture: ComponentFixture<ShowbackSourcesComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const q = <T extends Element = HTMLElement>(test: string): T | null => page().querySelector<T>(`[data-test="${test}"]`);

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [ShowbackSourcesComponent], providers: [...providePluginTesting(), ShowbackService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ShowbackSourcesComponent);
    fixture.detectChanges();
  });

  afterEach(() => http.verify());

  function answerList(items = [wireSource()]): void {
    http.expectOne(SOURCES_URL).flush({ items, total: items.length });
    fixture.detectChanges();
  }

  async function type(test: string, value: string): Promise<void> {
    const input = q<HTMLInputElement>(test)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    fixture.detectChanges();
    await fixture.whenStable();
  }

  async function openForm(): Promise<void> {
    q<HTMLButtonElement>('add-http-source')!.click();
    fixture.detectChanges();
    await fixture.whenStable();
  }

  it('lists each source with its kind, schedule and last run: status, rows and error', () => {
    const failed = wireSource({
      id: 'src-2',
      name: 'broken billing',
      staleSince: '2026-11-20T06:00:00.000Z',
      lastRun: { ...wireSource().lastRun!, id: 'run-2', sourceId: 'src-2', status: 'failed', rowsRead: 0, rowsWritten: 0, error: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    answerList([wireSource(), failed]);
    const rows = Array.from(page().querySelectorAll<HTMLElement>('[data-test="source-row"]'));
    expect(rows.length).toBe(2);
    expect(rows[0].textContent).toContain('vRB billing');
    expect(rows[0].textContent).toContain('HTTP billing source');
    expect(rows[0].textContent).toContain('0 * * * *');
    expect(rows[0].querySelector('[data-test="source-run-status"]')?.getAttribute('data-status')).toBe('succeeded');
    expect(rows[0].textContent).toContain('120 read, 118 written');
    expect(rows[1].querySelector('.label-danger')?.textContent).toContain('Failed');
    expect(rows[1].querySelector('[data-test="source-run-error"]')?.textContent).toContain('connect ECONNREFUSED 127.0.0.1:9');
    expect(rows[1].querySelector('[data-test="source-stale"]')?.textContent).toContain('Data missing since Nov 20, 2026');
  });

  it('shows the empty state when the org has no sources', () => {
    answerList([]);
    expect(q('sources-empty')?.textContent).toContain('No sources yet');
  });

  it('does not send an HTTP source whose name, URL or schedule is invalid and says what is wrong', async () => {
    answerList();
    await openForm();
    await type('source-url', 'ftp://billing.example.test/usage');
    await type('source-schedule', 'every hour');
    await type('source-auth-name', 'Authorization');
    q<HTMLButtonElement>('source-submit')!.click();
    fixture.detectChanges();
    http.expectNone(SOURCES_URL);
    expect(q('source-name-error')?.textContent).toContain('Enter a name');
    expect(q('source-url-error')?.textContent).toContain('http:// or https://');
    expect(q('source-schedule-error')?.textContent).toContain('5 or 6 fields');
    expect(q('source-auth-error')?.textContent).toContain('both');
  });

  it('creates an HTTP source with its URL, auth header and field mapping, then re-reads the list', async () => {
    answerList([]);
    await openForm();
    await type('source-name', 'vRB billing');
    await type('source-url', 'http://127.0.0.1:8443/billing/{org}/usage');
    await type('source-auth-name', 'Authorization');
    await type('source-auth-value', 'Bearer s3cret');
    await type('source-map-items', 'data.items');
    await type('source-map-vappName', 'vapp.name');
    q<HTMLButtonElement>('source-submit')!.click();
    const req = http.expectOne({ method: 'POST', url: SOURCES_URL });
    expect(req.request.body).toEqual({
      kind: 'http',
      name: 'vRB billing',
      schedule: '0 * * * *',
      enabled: true,
      config: {
        url: 'http://127.0.0.1:8443/billing/{org}/usage',
        authHeader: { name: 'Authorization', value: 'Bearer s3cret' },
        mapping: { items: 'data.items', cost: 'cost', service: 'service', start: 'start', end: 'end', vappName: 'vapp.name', costInMajorUnits: true },
      },
    });
    req.flush(wireSource());
    answerList([wireSource()]);
    expect(q('http-source-form')).toBeNull();
    expect(page().querySelectorAll('[data-test="source-row"]').length).toBe(1);
  });

  it("shows the backend's problem and puts its field errors on the fields", async () => {
    answerList([]);
    await openForm();
    await type('source-name', 'dup');
    await type('source-url', 'http://billing.example.test/');
    q<HTMLButtonElement>('source-submit')!.click();
    http.expectOne({ method: 'POST', url: SOURCES_URL }).flush(
      { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The source is invalid', errors: [{ path: 'config.url', message: 'host is not allowed' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-detail')?.textContent).toContain('The source is invalid');
    expect(q('problem-field-errors')?.textContent).toContain('config.url');
    expect(q('source-url-error')?.textContent).toContain('host is not allowed');
    expect(q('http-source-form')).not.toBeNull();
  });

  it('tests the connection of a source and shows rows read, or the reason it failed', () => {
    answerList();
    q<HTMLButtonElement>('source-test')!.click();
    const req = http.expectOne({ method: 'POST', url: `${SOURCES_URL}/src-1/test` });
    req.flush({ ok: false, rowsRead: 0, durationMs: 12, error: 'HTTP 401 from billing', sample: [] });
    fixture.detectChanges();
    expect(q('source-test-result')?.textContent).toContain('Test failed: HTTP 401 from billing');

    q<HTMLButtonElement>('source-test')!.click();
    http.expectOne({ method: 'POST', url: `${SOURCES_URL}/src-1/test` }).flush({ ok: true, rowsRead: 42, durationMs: 30, error: null, sample: [] });
    fixture.detectChanges();
    expect(q('source-test-result')?.textContent).toContain('Reachable: 42 rows in 30 ms');
  });

  it('runs a source now and re-reads the list for the new run', () => {
    answerList();
    q<HTMLButtonElement>('source-run')!.click();
    http.expectOne({ method: 'POST', url: `${SOURCES_URL}/src-1/run` }).flush(wireSource().lastRun);
    answerList([wireSource({ lastRun: { ...wireSource().lastRun!, id: 'run-9', rowsRead: 7, rowsWritten: 7, trigger: 'manual' } })]);
    expect(page().querySelector('[data-test="source-last-run"]')?.textContent).toContain('7 read, 7 written');
  });

  it('adds the vCD usage source with one click, and offers it no more once the org has one', () => {
    answerList([wireSource()]);
    q<HTMLButtonElement>('add-vcd-source')!.click();
    const req = http.expectOne({ method: 'POST', url: SOURCES_URL });
    expect(req.request.body).toEqual({ kind: 'vcd', name: 'vCD usage' });
    req.flush(wireSource({ id: 'src-vcd', kind: 'vcd', name: 'vCD usage' }));
    answerList([wireSource(), wireSource({ id: 'src-vcd', kind: 'vcd', name: 'vCD usage' })]);
    const rows = Array.from(page().querySelectorAll<HTMLElement>('[data-test="source-row"]'));
    expect(rows[1].textContent).toContain('vCD usage');
    expect(q<HTMLButtonElement>('add-vcd-source')?.disabled).toBe(true);
    expect(q('backfill')).not.toBeNull();
  });

  it("shows the backend's reason when it cannot collect vCD usage", () => {
    answerList([]);
    q<HTMLButtonElement>('add-vcd-source')!.click();
    http.expectOne({ method: 'POST', url: SOURCES_URL }).flush(
      { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'no collector for sources of kind "vcd" on this backend', errors: [{ path: 'kind', message: 'kind "vcd" is not available here' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-detail')?.textContent).toContain('no collector for sources of kind "vcd"');
    expect(q('backfill')).toBeNull();
  });

  it('uploads a FOCUS CSV as text/csv and shows the line and column of a bad row', () => {
    answerList();
    fixture.componentInstance.upload({ name: 'focus.csv', type: 'text/csv', text: 'BilledCost,BillingCurrency\nabc,EUR\n' });
    const req = http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/imports` });
    expect(req.request.headers.get('Content-Type')).toBe('text/csv');
    expect(req.request.body).toContain('BilledCost');
    req.flush(
      { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The FOCUS file has 1 bad row', errors: [{ path: 'line 2, column BilledCost', message: 'must be a number' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(q('problem-detail')?.textContent).toContain('The FOCUS file has 1 bad row');
    expect(q('problem-field-errors')?.textContent).toContain('line 2, column BilledCost: must be a number');
  });

  it('uploads a FOCUS JSON file as application/json and reports the rows imported', () => {
    answerList();
    fixture.componentInstance.upload({ name: 'focus.json', type: '', text: '[]' });
    const req = http.expectOne({ method: 'POST', url: `${SHOWBACK_URL}/imports` });
    expect(req.request.headers.get('Content-Type')).toBe('application/json');
    req.flush({ id: 'imp-1', format: 'json', rows: 10, written: 8, total: 12345, currency: 'EUR', from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
    answerList();
    expect(q('focus-upload-result')?.textContent).toContain('Imported 10 rows (8 new or changed)');
  });
});
