import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { FunctionView } from '../../../contract/functions';
import { FUNCTIONS_URL, providePluginTesting, wireFunction } from '../../testing/plugin-testing';
import { FunctionsService } from './functions.service';
import { ServerlessFunction, toServerlessFunction } from './functions.model';
import { FunctionVersionsComponent } from './function-versions.component';

function wireVersion(version: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version, runtime: 'nodejs20', code: `// v${version}`, trigger: { type: 'http', route: 'hello' }, limits: { memoryMb: 64, timeoutMs: 1000 },
    env: {}, secretNames: [], status: 'ready', buildLog: '', active: false, createdAt: '2026-11-25T10:00:00.000Z', ...overrides,
  };
}

describe('FunctionVersionsComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let component: FunctionVersionsComponent;
  let detect: () => void;
  const rows = (): HTMLElement[] => Array.from(root.querySelectorAll<HTMLElement>('[data-test="version-row"]'));

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(FunctionVersionsComponent);
    component = fixture.componentInstance;
    fixture.componentRef.setInput('fn', toServerlessFunction(wireFunction({ version: 3, latestVersion: 4 }) as unknown as FunctionView));
    fixture.detectChanges();
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
    http.expectOne(`${FUNCTIONS_URL}/hello/versions?limit=100`).flush({
      items: [wireVersion(4, { status: 'failed' }), wireVersion(3, { active: true }), wireVersion(2), wireVersion(1)],
      total: 4,
    });
    detect();
  });

  afterEach(() => http.verify());

  it('lists the versions newest first, marks the serving one and offers rollback to earlier ready versions only', () => {
    expect(rows().map((r) => r.getAttribute('data-version'))).toEqual(['4', '3', '2', '1']);
    expect(rows()[1].querySelector('[data-test="version-active"]')).not.toBeNull();
    expect(rows()[0].querySelector('[data-test="rollback"]')).toBeNull(); // failed
    expect(rows()[1].querySelector('[data-test="rollback"]')).toBeNull(); // serving
    expect(rows()[2].querySelector('[data-test="rollback"]')).not.toBeNull();
  });

  it('rolls back through the API only after the user confirms, and hands the answer up', () => {
    const emitted: ServerlessFunction[] = [];
    component.rolledBack.subscribe((fn) => emitted.push(fn));
    rows()[3].querySelector<HTMLButtonElement>('[data-test="rollback"]')!.click();
    detect();
    expect(document.querySelector('[data-test="rollback-modal"] .modal-body')?.textContent).toContain('version 1');
    http.expectNone(`${FUNCTIONS_URL}/hello/rollback`);

    document.querySelector<HTMLButtonElement>('[data-test="confirm-rollback"]')!.click();
    const req = http.expectOne(`${FUNCTIONS_URL}/hello/rollback`);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ version: 1 });
    req.flush(wireFunction({ version: 1, latestVersion: 4 }));
    expect(emitted.map((fn) => fn.version)).toEqual([1]);
  });

  it("shows the backend's problem when the rollback is refused", () => {
    rows()[2].querySelector<HTMLButtonElement>('[data-test="rollback"]')!.click();
    detect();
    document.querySelector<HTMLButtonElement>('[data-test="confirm-rollback"]')!.click();
    http
      .expectOne(`${FUNCTIONS_URL}/hello/rollback`)
      .flush({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'version 2 is being deleted' }, { status: 409, statusText: 'Conflict' });
    detect();
    expect(root.querySelector('[data-test="problem-detail"]')?.textContent).toContain('version 2 is being deleted');
  });
});
