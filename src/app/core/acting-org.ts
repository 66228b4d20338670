import { Injectable, inject, signal } from '@angular/core';
import { ActivatedRouteSnapshot, CanActivateFn, Router } from '@angular/router';
import { SESSION_SCOPE } from '@vcd/sdk/common';

/**
 * The org a provider acts on (issue 18): provided only on the `orgs/{org}` route, next to an ApiClient of its own,
 * so the feature pages below it call `/api/org/{org}/...` of that org while the rest of the plugin keeps the
 * session's org. The backend lets a provider session name any org; a tenant never gets here (providerOnly).
 */
@Injectable()
export class ActingOrg {
  readonly name = signal<string | null>(null);
}

/** True in the provider's portal (vCD's SESSION_SCOPE is `service-provider` there, `tenant` for an org). */
export function isProviderScope(): boolean {
  return inject(SESSION_SCOPE, { optional: true }) === 'service-provider';
}

/** The URL of the route above this one (the plugin's root for the routes below the shell). */
function parentUrl(route: ActivatedRouteSnapshot): string {
  return '/' + route.pathFromRoot.slice(0, -1).flatMap((r) => r.url.map((segment) => encodeURIComponent(segment.path))).join('/');
}

/** A tenant opening a provider page lands on the plugin's landing page (its own functions) instead. */
export const providerOnly: CanActivateFn = (route) => isProviderScope() || inject(Router).parseUrl(parentUrl(route));

/** Takes the org of the URL before any page below it asks the API (guards run before components are made). */
export const actOnOrg: CanActivateFn = (route) => {
  inject(ActingOrg).name.set(route.paramMap.get('org'));
  return true;
};

/** The plugin's landing page: the tenants overview for the provider, the org's functions for a tenant. */
export const landing: CanActivateFn = (route) =>
  inject(Router).parseUrl(`${parentUrl(route).replace(/\/$/, '')}/${isProviderScope() ? 'tenants' : 'functions'}`);
