import { EMPTY, Observable, defer, expand, switchMap, timer } from 'rxjs';

/** How often a screen re-reads while a function is still initializing. */
export const POLL_INTERVAL_MS = 2000;

/** Loads once, then again every `intervalMs` for as long as `pending` says the answer is not final. */
export function pollWhile<T>(options: { load: () => Observable<T>; pending: (value: T) => boolean; intervalMs?: number }): Observable<T> {
  const { load, pending, intervalMs = POLL_INTERVAL_MS } = options;
  return defer(load).pipe(expand((value) => (pending(value) ? timer(intervalMs).pipe(switchMap(load)) : EMPTY)));
}
