import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { FUNCTIONS_URL, providePluginTesting } from '../../testing/plugin-testing';
import { FunctionDeadLettersComponent } from './function-dead-letters.component';
import { FunctionsService } from './functions.service';

const letter = (id: string, body: unknown) => ({
  id,
  function: 'hello',
  trigger: 'async',
  event: { method: 'POST', path: '/api/org/acme/hello', query: {}, headers: {}, body },
  error: { message: `boom ${id}`, status: 'error' },
  attempts: 3,
  acceptedAt: '2026-12-01T10:00:00.000Z',
  lastAttemptAt: '2026-12-01T10:00:03.000Z',
  deadAt: '2026-12-01T10:00:03.000Z',
});

describe('FunctionDeadLettersComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let detect: () => void;
  const LIST = `${FUNCTIONS_URL}/hello/dead-letters?limit=100`;
  const rows = (): HTMLElement[] => Array.from(root.querySelectorAll<HTMLElement>('[data-test="dead-letter-row"]'));

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(FunctionDeadLettersComponent);
    fixture.componentRef.setInput('name', 'hello');
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
    http.expectOne(LIST).flush({ items: [letter('a1', { order: 7 }), letter('b2', 'plain text')], total: 2 });
    detect();
  });

  afterEach(() => http.verify());

  it('lists the dead letters with their attempts, last error and the body the handler got', () => {
    expect(rows().map((r) => r.getAttribute('data-id'))).toEqual(['a1', 'b2']);
    expect(rows()[0].querySelector('[data-test="dead-letter-attempts"]')?.textContent?.trim()).toBe('3');
    expect(rows()[0].querySelector('[data-test="dead-letter-error"]')?.textContent).toContain('boom a1');
    expect(rows()[0].querySelector('[data-test="dead-letter-body"]')?.textContent).toBe('{"order":7}');
    expect(rows()[1].querySelector('[data-test="dead-letter-body"]')?.textContent).toBe('plain text');
  });

  it('re-drives one through the API and reads the list again without it', () => {
    rows()[0].querySelector<HTMLButtonElement>('[data-test="dead-letter-redrive"]')!.click();
    const req = http.expectOne(`${FUNCTIONS_URL}/hello/dead-letters/a1/redrive`);
    expect(req.request.method).toBe('POST');
    req.flush({ activationId: 'a1', status: 'queued' }, { status: 202, statusText: 'Accepted' });
    http.expectOne(LIST).flush({ items: [letter('b2', 'plain text')], total: 1 });
    detect();
    expect(rows().map((r) => r.getAttribute('data-id'))).toEqual(['b2']);
    expect(root.querySelector('[data-test="dead-letter-notice"]')).not.toBeNull();
  });

  it('deletes one, and shows the problem when the backend refuses', () => {
    rows()[1].querySelector<HTMLButtonElement>('[data-test="dead-letter-delete"]')!.click();
    const req = http.expectOne(`${FUNCTIONS_URL}/hello/dead-letters/b2`);
    expect(req.request.method).toBe('DELETE');
    req.flush(
      { type: 'https://vcd-serverless.dev/problems/not-found', title: 'Not found', status: 404, detail: 'function "hello" has no dead letter "b2"' },
      { status: 404, statusText: 'Not Found', headers: { 'Content-Type': 'application/problem+json' } },
    );
    detect();
    expect(root.textContent).toContain('has no dead letter "b2"');
    expect(rows()).toHaveSize(2);
  });
});
