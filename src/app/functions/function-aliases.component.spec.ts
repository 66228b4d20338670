import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { FUNCTIONS_URL, providePluginTesting } from '../../testing/plugin-testing';
import { FunctionAliasesComponent, trafficText } from './function-aliases.component';
import { FunctionsService } from './functions.service';

const live = (traffic: Array<{ version: number; weight: number }>, auto = true) => ({
  name: 'live',
  function: 'hello',
  traffic,
  tracksCurrentVersion: true,
  ...(auto ? { autoRollback: { errorRatePercent: 20, windowSeconds: 60, minCalls: 5 } } : {}),
});
const AUTO = {
  id: '7',
  alias: 'live',
  kind: 'auto-rolled-back',
  before: [{ version: 3, weight: 90 }, { version: 4, weight: 10 }],
  after: [{ version: 3, weight: 100 }, { version: 4, weight: 0 }],
  numbers: { version: 4, calls: 12, errors: 12, errorRatePercent: 100, thresholdPercent: 20, windowSeconds: 60, minCalls: 5 },
  at: '2026-12-06T22:00:00.000Z',
};

describe('FunctionAliasesComponent', () => {
  let http: HttpTestingController;
  let root: HTMLElement;
  let detect: () => void;
  let component: FunctionAliasesComponent;
  const ALIASES = `${FUNCTIONS_URL}/hello/aliases`;
  const HISTORY = `${FUNCTIONS_URL}/hello/history?limit=50`;
  const q = (sel: string) => root.querySelector<HTMLElement>(`[data-test="${sel}"]`);
  const flushBoth = (aliases: unknown[], history: unknown[] = []) => {
    http.expectOne(ALIASES).flush({ items: aliases });
    http.expectOne(HISTORY).flush({ items: history, total: history.length });
    detect();
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [...providePluginTesting(), FunctionsService] });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(FunctionAliasesComponent);
    fixture.componentRef.setInput('name', 'hello');
    fixture.componentRef.setInput('version', 3);
    fixture.detectChanges();
    component = fixture.componentInstance;
    root = fixture.nativeElement as HTMLElement;
    detect = () => fixture.detectChanges();
  });

  afterEach(() => http.verify());

  it('writes traffic as versions with their weights', () => {
    expect(trafficText([{ version: 3, weight: 90 }, { version: 4, weight: 10 }])).toBe('v3 90 % · v4 10 %');
    flushBoth([live([{ version: 3, weight: 100 }], false)]);
  });

  it('shows live with its canary, its automatic rollback, and Promote and Roll back', () => {
    flushBoth([live([{ version: 3, weight: 90 }, { version: 4, weight: 10 }])]);
    expect(q('alias-traffic')?.textContent?.trim()).toBe('v3 90 % · v4 10 %');
    expect(q('alias-canary')).not.toBeNull();
    expect(q('alias-auto')?.textContent).toContain('20');
    expect(q('alias-promote')).not.toBeNull();
    expect(q('alias-rollback')).not.toBeNull();
  });

  it('rolls the canary back in one click and shows the automatic rollback with its numbers in the history', () => {
    flushBoth([live([{ version: 3, weight: 90 }, { version: 4, weight: 10 }])]);
    q('alias-rollback')!.click();
    const req = http.expectOne(`${ALIASES}/live/rollback`);
    expect(req.request.method).toBe('POST');
    req.flush(live([{ version: 3, weight: 100 }, { version: 4, weight: 0 }]));
    flushBoth([live([{ version: 3, weight: 100 }, { version: 4, weight: 0 }])], [AUTO]);
    expect(q('alias-rolled-back')).not.toBeNull();
    expect(q('alias-rollback')).toBeNull();
    const entry = q('history-entry')!;
    expect(entry.getAttribute('data-kind')).toBe('auto-rolled-back');
    expect(q('history-numbers')?.textContent).toContain('12');
    expect(entry.textContent).toContain('v3 90 % · v4 10 %');
  });

  it('promotes in one click and tells the page the current version moved', () => {
    flushBoth([live([{ version: 3, weight: 90 }, { version: 4, weight: 10 }])]);
    let moved = 0;
    component.changed.subscribe(() => moved++);
    q('alias-promote')!.click();
    http.expectOne(`${ALIASES}/live/promote`).flush(live([{ version: 4, weight: 100 }]));
    flushBoth([live([{ version: 4, weight: 100 }])]);
    expect(moved).toBe(1);
    expect(q('alias-promote')).toBeNull();
  });

  it('starts a canary on live with the current version keeping the rest, and shows the problem the backend names', () => {
    flushBoth([live([{ version: 3, weight: 100 }], false)]);
    const input = (sel: string, value: string) => {
      const el = q(sel) as HTMLInputElement;
      el.value = value;
      el.dispatchEvent(new Event('input'));
    };
    input('canary-version', '4');
    input('canary-weight', '10');
    detect();
    q('canary-start')!.click();
    const req = http.expectOne(`${ALIASES}/live`);
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({
      traffic: [{ version: 3, weight: 90 }, { version: 4, weight: 10 }],
      autoRollback: { errorRatePercent: 20, windowSeconds: 60, minCalls: 10 },
    });
    req.flush(
      { type: 'about:blank', title: 'invalid alias', status: 400, detail: 'version 4 of function "hello" is failed, not ready', errors: [{ path: 'traffic.1.version', message: 'version 4 is failed' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    detect();
    expect(root.textContent).toContain('is failed, not ready');
  });
});
