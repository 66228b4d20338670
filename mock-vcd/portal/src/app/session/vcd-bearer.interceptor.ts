import { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { SessionService } from './session.service';

/** Same-origin vCD API calls without credentials get the session's bearer token, as in vCD's portal. */
export const vcdBearerInterceptor: HttpInterceptorFn = (req, next) => {
  const token = inject(SessionService).session()?.token;
  if (!token || req.headers.has('Authorization') || !isVcdApi(req.url)) return next(req);
  return next(req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};

function isVcdApi(url: string): boolean {
  const target = new URL(url, location.href);
  return target.origin === location.origin && /^\/(api|cloudapi)\//.test(target.pathname);
}
