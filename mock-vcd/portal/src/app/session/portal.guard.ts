import { inject } from '@angular/core';
import { CanMatchFn, Router, UrlSegment, UrlTree } from '@angular/router';
import { OrgsService } from './orgs.service';
import { PortalContextService } from './portal-context.service';
import { PortalScope, homeUrl } from './session.model';
import { SessionService } from './session.service';

/**
 * Lets a portal shell (`/tenant/:org/...` or `/provider/...`) match only with a live vCD session for it:
 * no session → login; a 401 from `sessions/current` → login saying the session expired; a tenant user in
 * another org's URL → their own org. A provider may open any org's tenant portal.
 */
export function portalGuard(scope: PortalScope): CanMatchFn {
  return async (_route, segments: UrlSegment[]): Promise<boolean | UrlTree> => {
    const sessions = inject(SessionService);
    const contexts = inject(PortalContextService);
    const router = inject(Router);
    const orgs = inject(OrgsService);
    const orgInUrl = scope === 'tenant' ? decodeURIComponent(segments[1]?.path ?? '') : '';
    const loginPath = scope === 'tenant' ? ['/tenant', orgInUrl, 'login'] : ['/login'];

    if (!sessions.session()) return router.createUrlTree(loginPath);
    const alive = await sessions.verify().catch(() => true); // vCD unreachable: keep the session, calls will say so
    const session = sessions.session();
    if (!alive || !session) return router.createUrlTree(loginPath, { queryParams: { expired: 1 } });

    if (scope === 'provider' && session.scope !== 'provider') return router.parseUrl(homeUrl(session));
    const ownOrg = scope === 'provider' || orgInUrl.toLowerCase() === session.orgName.toLowerCase();
    if (scope === 'tenant' && session.scope === 'tenant' && !ownOrg) return router.parseUrl(homeUrl(session));

    // A provider in an org's tenant portal: that org, by its id as vCD names it.
    const org = ownOrg ? { name: session.orgName, id: session.orgId } : await orgs.findByName(orgInUrl).catch(() => undefined);
    if (!org) return router.parseUrl(homeUrl(session));
    const entered = contexts.enter({ scope, orgName: org.name, orgId: org.id });
    if (!entered) {
      location.assign('/' + segments.map((s) => s.path).join('/'));
      return false;
    }
    return true;
  };
}

/** `/`: the user's home when logged in, else the login page. */
export const landingGuard: CanMatchFn = () => {
  const session = inject(SessionService).session();
  return inject(Router).parseUrl(session ? homeUrl(session) : '/login');
};
