import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { EnvironmentProviders, Provider } from '@angular/core';
import { ApiClient } from './api-client';
import { provideTranslations } from './i18n';
import { vcdAuthInterceptor } from './interceptors/vcd-auth.interceptor';

/**
 * What every feature uses, provided on the plugin module (not in root): the vCD context tokens they read are
 * provided by the host on the plugin's route, below the root injector. Each feature provides its own service
 * on its route (functions.routes.ts, autoscale.routes.ts, showback.routes.ts).
 */
export function provideServerlessCore(): Provider[] {
  return [ApiClient, ...provideTranslations()];
}

/**
 * The plugin's own HttpClient with the vCD bearer interceptor. vCD loads the plugin as a lazy NgModule, so this
 * client lives in the plugin's injector: the host's HttpClient (and its interceptors) are neither used nor changed.
 */
export function provideServerlessHttp(): EnvironmentProviders {
  return provideHttpClient(withInterceptors([vcdAuthInterceptor]));
}
