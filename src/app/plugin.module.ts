import { NgModule } from '@angular/core';
import { RouterModule, Routes } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { AUTOSCALE_ROUTES } from './autoscale/autoscale.routes';
import { provideServerlessCore, provideServerlessHttp } from './core/core.providers';
import { FUNCTIONS_ROUTES } from './functions/functions.routes';
import { landing } from './core/acting-org';
import { AUDIT_ROUTES } from './audit/audit.routes';
import { LIMITS_ROUTES } from './limits/limits.routes';
import { providerRoutes } from './provider/provider.routes';
import { PluginShellComponent } from './shell/plugin-shell.component';
import { SHOWBACK_ROUTES } from './showback/showback.routes';

/** The tenant's features: under the shell for a tenant, and again under `orgs/{org}` for the provider acting on one. */
const TENANT_FEATURES: Routes = [
  { path: 'functions', children: FUNCTIONS_ROUTES },
  { path: 'showback', children: SHOWBACK_ROUTES },
  { path: 'autoscale', children: AUTOSCALE_ROUTES },
];

/**
 * Children of the host's plugin route (`tenant/{org}/plugins/serverless`, manifest `route`; the provider's
 * `provider/plugins/serverless`, which lands on the tenants overview).
 */
export const PLUGIN_ROUTES: Routes = [
  {
    path: '',
    component: PluginShellComponent,
    children: [
      { path: '', pathMatch: 'full', canActivate: [landing], children: [] },
      ...TENANT_FEATURES,
      ...providerRoutes(TENANT_FEATURES),
      ...LIMITS_ROUTES,
      ...AUDIT_ROUTES,
    ],
  },
];

/**
 * The plugin's entry (angular.json `modulePath`), loaded by the vCD portal as the AMD module "PluginModule".
 * It brings its own HttpClient (with the interceptor that adds the session's token): the host may not provide
 * one on the plugin's route, and the host's own client must not carry the plugin's interceptors.
 */
@NgModule({
  imports: [ClarityModule, RouterModule.forChild(PLUGIN_ROUTES)],
  providers: [provideServerlessHttp(), provideServerlessCore()],
})
export class PluginModule {}
