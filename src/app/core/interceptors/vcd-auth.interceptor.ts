import { HttpInterceptorFn } from '@angular/common/http';
import { ProviderToken, inject } from '@angular/core';
import { API_ROOT_URL, AuthTokenHolderService } from '@vcd/sdk/common';

/** The host's token holder; its `token` can change during a session, so it is read per request. */
const TOKEN_HOLDER = AuthTokenHolderService as unknown as ProviderToken<{ token: string }>;

/**
 * The session's bearer token on the plugin's calls to the vCD API (`{API_ROOT_URL}/api/...`), and only on those:
 * a request to any other address leaves without it, so the token never goes where vCD did not send it.
 * Provided with the plugin's own HttpClient (provideServerlessHttp), it never sees the host's requests.
 */
export const vcdAuthInterceptor: HttpInterceptorFn = (req, next) => {
  const apiRoot = (inject(API_ROOT_URL, { optional: true }) ?? '').replace(/\/+$/, '');
  if (!req.url.startsWith(`${apiRoot}/api/`) || req.headers.has('Authorization')) return next(req);
  const token = inject(TOKEN_HOLDER).token;
  return next(req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};
