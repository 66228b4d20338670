import { HttpClient, HttpHeaders, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { API_ROOT_URL, SESSION_ORGANIZATION } from '@vcd/sdk/common';
import { Observable, catchError, throwError } from 'rxjs';
import { ActingOrg } from './acting-org';
import { toApiError } from './api-error';

/**
 * The plugin's only door to the API: the one place that reads where the API is (API root, org).
 * Paths are relative to the org: `faas/functions` becomes `{API_ROOT_URL}/api/org/{org}/faas/functions`.
 * Failures arrive as ApiError. The session's token is added by vcdAuthInterceptor (core/interceptors).
 * Below a provider's `orgs/{org}` route a second instance is provided with ActingOrg: it names that org instead.
 */
@Injectable()
export class ApiClient {
  private readonly http = inject(HttpClient);
  private readonly apiRoot = (inject(API_ROOT_URL, { optional: true }) ?? '').replace(/\/+$/, '');
  private readonly sessionOrg = inject(SESSION_ORGANIZATION);
  private readonly acting = inject(ActingOrg, { optional: true });

  /** The org the calls are about: the one a provider acts on, else the session's. */
  get org(): string {
    return this.acting?.name() ?? this.sessionOrg;
  }

  /** The full invoke path of an org-relative route, as vCD exposes it: `/api/org/{org}/{route}`. */
  orgPath(route: string): string {
    return `/api/org/${encodeURIComponent(this.org)}/${route.replace(/^\/+/, '')}`;
  }

  get<T>(path: string): Observable<T> {
    return this.http.get<T>(this.url(path), { headers: this.headers() }).pipe(catchError(rethrowAsApiError));
  }

  post<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .post<T>(this.url(path), body, { headers: this.headers().set('Content-Type', 'application/json') })
      .pipe(catchError(rethrowAsApiError));
  }

  put<T>(path: string, body: unknown): Observable<T> {
    return this.http
      .put<T>(this.url(path), body, { headers: this.headers().set('Content-Type', 'application/json') })
      .pipe(catchError(rethrowAsApiError));
  }

  /** A raw call of any method whose answer is returned whatever its status (the editor's test panel). */
  requestRaw(method: string, path: string, options: { headers?: Record<string, string>; body?: string | null }): Observable<HttpResponse<string>> {
    let headers = this.headers();
    for (const [name, value] of Object.entries(options.headers ?? {})) headers = headers.set(name, value);
    return this.http.request(method, this.url(path), { headers, body: options.body ?? null, observe: 'response', responseType: 'text' });
  }

  delete(path: string): Observable<void> {
    return this.http.delete<void>(this.url(path), { headers: this.headers() }).pipe(catchError(rethrowAsApiError));
  }

  /** A file download (e.g. CSV) with the session's token: a bare link could not send the Authorization header. */
  getBlob(path: string): Observable<Blob> {
    return this.http.get(this.url(path), { headers: this.headers(), responseType: 'blob' }).pipe(catchError(rethrowAsApiError));
  }

  /** A POST of a non-JSON body (e.g. an uploaded CSV file) with its content type, answering JSON. */
  postBody<T>(path: string, body: string | Blob, contentType: string): Observable<T> {
    return this.http
      .post<T>(this.url(path), body, { headers: this.headers().set('Content-Type', contentType) })
      .pipe(catchError(rethrowAsApiError));
  }

  /** A raw GET whose answer is returned whatever its status (a function's 4xx/5xx is its answer, not our error). */
  getRaw(path: string): Observable<HttpResponse<string>> {
    return this.http.get(this.url(path), { headers: this.headers(), observe: 'response', responseType: 'text' });
  }

  private url(path: string): string {
    return `${this.apiRoot}${this.orgPath(path)}`;
  }

  private headers(): HttpHeaders {
    return new HttpHeaders({ Accept: 'application/json' });
  }
}

function rethrowAsApiError(error: unknown): Observable<never> {
  return throwError(() => toApiError(error));
}
