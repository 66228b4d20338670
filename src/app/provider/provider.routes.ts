import { Route, Routes } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { ActingOrg, actOnOrg, providerOnly } from '../core/acting-org';
import { ActingOrgFrameComponent } from './acting-org-frame.component';
import { TenantsPageComponent } from './tenants-page.component';
import { TenantsService } from './tenants.service';

/**
 * Route objects carry the injector Angular makes for their providers: the feature routes are copied for the org
 * subtree so its feature services get the acting org's ApiClient, not the one of the provider's own pages.
 */
function copyRoutes(routes: Routes): Routes {
  return routes.map((r): Route => ({ ...r, ...(r.children ? { children: copyRoutes(r.children) } : {}) }));
}

/**
 * The provider's pages under the shell: `tenants` (the overview) and `orgs/{org}/<feature>`, the tenant's own pages
 * and forms acting on that org (ActingOrg and an ApiClient of its own on the route). The tenant features
 * (functions, showback, autoscale) are handed in by the plugin's root, so this feature imports none of them.
 */
export function providerRoutes(tenantFeatures: Routes): Routes {
  return [
    { path: 'tenants', canActivate: [providerOnly], providers: [TenantsService], component: TenantsPageComponent },
    {
      path: 'orgs/:org',
      canActivate: [providerOnly, actOnOrg],
      providers: [ActingOrg, ApiClient],
      component: ActingOrgFrameComponent,
      children: [{ path: '', pathMatch: 'full', redirectTo: 'functions' }, ...copyRoutes(tenantFeatures)],
    },
  ];
}
