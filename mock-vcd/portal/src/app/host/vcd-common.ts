import { InjectionToken } from '@angular/core';

/**
 * What vCD's portal registers as `@vcd/common` for plugins: the container hooks `@vcd/sdk/common` reads from
 * `window.System.registry` when the plugin bundle loads. The portal provides the token values per plugin route.
 */
export class AuthTokenHolderService {
  constructor(public token = '') {}
}

/** Kept for plugins written against older SDKs; the portal has no redux store, so nothing listens. */
export class ExtensionNavRegistrationAction {
  readonly type = 'EXTENSION_NAV_REGISTRATION';
  constructor(readonly payload: { path: string; nameCode: string; descriptionCode: string }) {}
}

export abstract class EntityActionExtensionComponent {}

export const vcdCommon = {
  API_ROOT_URL: new InjectionToken<string>('API_ROOT_URL'),
  SESSION_SCOPE: new InjectionToken<string>('SESSION_SCOPE'),
  SESSION_ORGANIZATION: new InjectionToken<string>('SESSION_ORGANIZATION'),
  SESSION_ORG_ID: new InjectionToken<string>('SESSION_ORG_ID'),
  EXTENSION_ASSET_URL: new InjectionToken<string>('EXTENSION_ASSET_URL'),
  EXTENSION_ROUTE: new InjectionToken<string>('EXTENSION_ROUTE'),
  SDK_MODE: new InjectionToken<boolean>('SDK_MODE'),
  AuthTokenHolderService,
  ExtensionNavRegistrationAction,
  EntityActionExtensionComponent,
};

export type VcdCommon = typeof vcdCommon;
