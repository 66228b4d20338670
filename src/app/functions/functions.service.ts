import { HttpErrorResponse, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, switchMap, throwError } from 'rxjs';
import type { AliasList, AliasView, HistoryList, UpdateAliasRequest } from '../../../contract/aliases';
import type { ActivationFeed, ActivationList, ActivationView, AsyncAccepted, DeadLetterList, DeadLetterView, FunctionVersionList, FunctionView, RuntimesInfo } from '../../../contract/functions';
import type { Page } from '../../../contract/problem';
import { ApiClient } from '../core/api-client';
import { toApiError } from '../core/api-error';
import {
  Activation,
  ActivationFilter,
  FunctionChanges,
  FunctionList,
  FunctionVersion,
  TestRequest,
  TestResult,
  fromFunctionChanges,
  toActivation,
  toFunctionVersion,
  InvokeResult,
  NewFunction,
  ServerlessFunction,
  fromNewFunction,
  toFunctionList,
  toInvokeResult,
  toServerlessFunction,
} from './functions.model';

const FUNCTIONS = 'faas/functions';

/** The functions endpoints of the backend (DESIGN §4), answering view types. */
@Injectable()
export class FunctionsService {
  private readonly api = inject(ApiClient);

  list(): Observable<FunctionList> {
    return this.api.get<Page<FunctionView>>(`${FUNCTIONS}?limit=500`).pipe(map(toFunctionList));
  }

  get(name: string): Observable<ServerlessFunction> {
    return this.api.get<FunctionView>(`${FUNCTIONS}/${encodeURIComponent(name)}`).pipe(map(toServerlessFunction));
  }

  create(form: NewFunction): Observable<ServerlessFunction> {
    return this.api.post<FunctionView>(FUNCTIONS, fromNewFunction(form)).pipe(map(toServerlessFunction));
  }

  /** Saves changes as a new version (the backend builds it; the current version keeps serving until it is ready). */
  update(name: string, changes: FunctionChanges): Observable<ServerlessFunction> {
    return this.api.put<FunctionView>(`${FUNCTIONS}/${encodeURIComponent(name)}`, fromFunctionChanges(changes)).pipe(map(toServerlessFunction));
  }

  versions(name: string): Observable<{ items: FunctionVersion[]; total: number }> {
    return this.api
      .get<FunctionVersionList>(`${FUNCTIONS}/${encodeURIComponent(name)}/versions?limit=100`)
      .pipe(map((page) => ({ items: page.items.map(toFunctionVersion), total: page.total })));
  }

  rollback(name: string, version: number): Observable<ServerlessFunction> {
    return this.api.post<FunctionView>(`${FUNCTIONS}/${encodeURIComponent(name)}/rollback`, { version }).pipe(map(toServerlessFunction));
  }

  activations(name: string, filter: ActivationFilter): Observable<{ items: Activation[]; total: number }> {
    const query = new URLSearchParams({ limit: String(filter.limit), offset: String(filter.offset) });
    if (filter.status) query.set('status', filter.status);
    if (filter.since) query.set('since', filter.since);
    if (filter.until) query.set('until', filter.until);
    return this.api
      .get<ActivationList>(`${FUNCTIONS}/${encodeURIComponent(name)}/activations?${query.toString()}`)
      .pipe(map((page) => ({ items: page.items.map(toActivation), total: page.total })));
  }

  /** The function's aliases, live first (issue 13, item 3). */
  aliases(name: string): Observable<AliasList> {
    return this.api.get<AliasList>(`${FUNCTIONS}/${encodeURIComponent(name)}/aliases`);
  }

  updateAlias(name: string, alias: string, changes: UpdateAliasRequest): Observable<AliasView> {
    return this.api.put<AliasView>(`${FUNCTIONS}/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`, changes);
  }

  /** promote: the canary takes all calls; rollback: its weight goes to 0. */
  canary(name: string, alias: string, action: 'promote' | 'rollback'): Observable<AliasView> {
    return this.api.post<AliasView>(`${FUNCTIONS}/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}/${action}`, {});
  }

  /** Alias changes, promotions and rollbacks (automatic ones with their numbers), newest first. */
  history(name: string): Observable<HistoryList> {
    return this.api.get<HistoryList>(`${FUNCTIONS}/${encodeURIComponent(name)}/history?limit=50`);
  }

  /**
   * Live logs: the calls recorded after `after` (from now on without it), oldest first, the backend waiting up to
   * waitMs for one. A long-poll, not a stream: it works through every way vCD reaches the backend (its MQTT bus too).
   */
  activationFeed(name: string, q: { after?: string; status?: string; version?: number; trigger?: string; waitMs: number }): Observable<{ items: Activation[]; cursor: string }> {
    const query = new URLSearchParams();
    if (q.after) query.set('after', q.after);
    if (q.status) query.set('status', q.status);
    if (q.version) query.set('version', String(q.version));
    if (q.trigger) query.set('trigger', q.trigger);
    query.set('waitMs', String(q.waitMs));
    return this.api
      .get<ActivationFeed>(`${FUNCTIONS}/${encodeURIComponent(name)}/activations/feed?${query.toString()}`)
      .pipe(map((page) => ({ items: page.items.map(toActivation), cursor: page.cursor })));
  }

  /** Queued calls that failed every attempt (newest first). */
  deadLetters(name: string): Observable<{ items: DeadLetterView[]; total: number }> {
    return this.api.get<DeadLetterList>(`${FUNCTIONS}/${encodeURIComponent(name)}/dead-letters?limit=100`);
  }

  redrive(name: string, id: string): Observable<AsyncAccepted> {
    return this.api.post<AsyncAccepted>(`${FUNCTIONS}/${encodeURIComponent(name)}/dead-letters/${encodeURIComponent(id)}/redrive`, {});
  }

  deleteDeadLetter(name: string, id: string): Observable<void> {
    return this.api.delete(`${FUNCTIONS}/${encodeURIComponent(name)}/dead-letters/${encodeURIComponent(id)}`);
  }

  /** Which sandboxes the installation can run now, and why not (the create form warns before a doomed build). */
  runtimes(): Observable<RuntimesInfo> {
    return this.api.get<RuntimesInfo>('faas/runtimes');
  }

  activation(id: string): Observable<Activation> {
    return this.api.get<ActivationView>(`faas/activations/${encodeURIComponent(id)}`).pipe(map(toActivation));
  }

  /**
   * The test panel: calls the function's route with the given method, path, query, headers and body, then finds
   * the activation of that call (by the X-Activation-Id answer header, else the function's newest activation).
   */
  test(fn: Pick<ServerlessFunction, 'name' | 'route'>, request: TestRequest): Observable<TestResult> {
    const suffix = request.pathSuffix.trim().replace(/^\/+/, '');
    const query = request.query.trim().replace(/^\?/, '');
    const path = `${fn.route}${suffix ? `/${suffix}` : ''}${query ? `?${query}` : ''}`;
    const body = ['GET', 'HEAD'].includes(request.method) ? null : request.body;
    const headers = { ...request.headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = isJson(body) ? 'application/json' : 'text/plain';
    }
    return this.api.requestRaw(request.method, path, { headers, body }).pipe(
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status > 0
          ? of(new HttpResponse<string>({ status: error.status, headers: error.headers, body: errorText(error.error) }))
          : throwError(() => toApiError(error)),
      ),
      switchMap((response) => {
        const result = toInvokeResult(response);
        const id = response.headers.get('X-Activation-Id');
        const found: Observable<Activation | null> = id
          ? this.activation(id)
          : this.activations(fn.name, { limit: 1, offset: 0 }).pipe(map((page) => page.items[0] ?? null));
        return found.pipe(
          catchError(() => of(null)),
          map((activation) => ({ ...result, activation })),
        );
      }),
    );
  }

  delete(name: string): Observable<void> {
    return this.api.delete(`${FUNCTIONS}/${encodeURIComponent(name)}`);
  }

  /** Calls the function's HTTP route with GET, as a client would; any HTTP answer is the function's result. */
  invoke(fn: Pick<ServerlessFunction, 'route'>): Observable<InvokeResult> {
    return this.api.getRaw(fn.route).pipe(
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status > 0
          ? of(new HttpResponse<string>({ status: error.status, headers: error.headers, body: errorText(error.error) }))
          : throwError(() => toApiError(error)),
      ),
      map(toInvokeResult),
    );
  }
}

function errorText(body: unknown): string {
  if (body === null || body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
