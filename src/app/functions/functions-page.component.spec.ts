import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed, discardPeriodicTasks, fakeAsync, flush, tick } from '@angular/core/testing';
import { FUNCTIONS_URL, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { FunctionsService } from './functions.service';
import { POLL_INTERVAL_MS } from '../core/poll';
import { FunctionsPageComponent } from './functions-page.component';

const LIST_URL = `${FUNCTIONS_URL}?limit=500`;

describe('FunctionsPageComponent', () => {
  let fixture: ComponentFixture<FunctionsPageComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const rows = (): HTMLElement[] => Array.from(page().querySelectorAll<HTMLElement>('[data-test="function-row"]'));

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [FunctionsPageComponent], providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(FunctionsPageComponent);
  });

  afterEach(() => http.verify());

  function answer(items: Record<string, unknown>[]): void {
    http.expectOne(LIST_URL).flush({ items, total: items.length });
    fixture.detectChanges();
  }

  it("lists each function with its name, full route, runtime and status", fakeAsync(() => {
    fixture.detectChanges();
    answer([wireFunction(), wireFunction({ name: 'broken', trigger: { type: 'http', route: 'broken' }, url: '/api/org/acme/broken', status: 'failed' })]);
    flush();
    fixture.detectChanges();

    expect(page().querySelector('h2')?.textContent).toContain('Functions');
    const [hello, broken] = rows();
    expect(hello.querySelector('[data-test="function-link"]')?.textContent?.trim()).toBe('hello');
    expect(hello.querySelector('[data-test="function-url"]')?.textContent).toBe('/api/org/acme/hello');
    expect(hello.textContent).toContain('nodejs20');
    expect(hello.querySelector('[data-test="function-status"]')?.getAttribute('data-status')).toBe('ready');
    expect(hello.querySelector('.label-success')?.textContent).toContain('Ready');
    expect(broken.querySelector('.label-danger')?.textContent).toContain('Failed');
    expect(page().querySelector('[data-test="functions-empty"]')).toBeNull();
  }));

  it('shows the empty state when the org has no functions', fakeAsync(() => {
    fixture.detectChanges();
    answer([]);
    flush();
    fixture.detectChanges();
    expect(rows().length).toBe(0);
    expect(page().querySelector('[data-test="functions-empty"]')?.textContent).toContain('No functions yet');
  }));

  it('re-reads the list while a function is initializing and stops once it is ready', fakeAsync(() => {
    fixture.detectChanges();
    answer([wireFunction({ status: 'initializing' })]);
    expect(rows()[0].querySelector('[data-test="function-status"]')?.getAttribute('data-status')).toBe('initializing');
    expect(rows()[0].querySelector('clr-spinner')).not.toBeNull();

    tick(POLL_INTERVAL_MS);
    answer([wireFunction({ status: 'ready' })]);
    expect(rows()[0].querySelector('[data-test="function-status"]')?.getAttribute('data-status')).toBe('ready');

    tick(POLL_INTERVAL_MS * 3);
    http.expectNone(LIST_URL);
    discardPeriodicTasks();
    flush();
  }));

  it("shows the backend's problem detail in a danger alert when the list cannot be read", fakeAsync(() => {
    fixture.detectChanges();
    http.expectOne(LIST_URL).flush(
      { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'org globex is not your org' },
      { status: 403, statusText: 'Forbidden', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    flush();
    const alert = page().querySelector('[data-test="problem-alert"]');
    expect(alert?.querySelector('.alert-danger')).not.toBeNull();
    expect(alert?.querySelector('[data-test="problem-detail"]')?.textContent).toContain('org globex is not your org');
  }));

  it('reads the list again when Refresh is pressed', fakeAsync(() => {
    fixture.detectChanges();
    answer([]);
    page().querySelector<HTMLButtonElement>('[data-test="refresh-functions"]')!.click();
    answer([wireFunction()]);
    flush();
    fixture.detectChanges();
    expect(rows().length).toBe(1);
  }));
});
