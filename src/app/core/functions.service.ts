import { HttpErrorResponse, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, throwError } from 'rxjs';
import type { FunctionView } from '../../../contract/functions';
import type { Page } from '../../../contract/problem';
import { ApiClient } from './api-client';
import { toApiError } from './api-error';
import {
  FunctionList,
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
