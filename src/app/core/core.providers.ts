import { Provider } from '@angular/core';
import { ApiClient } from './api-client';
import { FunctionsService } from './functions.service';
import { provideTranslations } from './i18n';

/**
 * The plugin's services, provided on the plugin module (not in root): the vCD context tokens they read are
 * provided by the host on the plugin's route, below the root injector.
 */
export function provideServerlessCore(): Provider[] {
  return [ApiClient, FunctionsService, ...provideTranslations()];
}
