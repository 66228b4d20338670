import { InjectionToken } from '@angular/core';

/**
 * What the vCD portal puts in its SystemJS registry before a plugin's bundle runs: `@vcd/sdk/common` reads its
 * injection tokens from here at load time, so src/test.ts imports this file before anything else.
 */
export class TestAuthTokenHolderService {
  token = '';
}

export const VCD_COMMON = {
  API_ROOT_URL: new InjectionToken<string>('API_ROOT_URL'),
  SESSION_SCOPE: new InjectionToken<string>('SESSION_SCOPE'),
  SESSION_ORGANIZATION: new InjectionToken<string>('SESSION_ORGANIZATION'),
  SESSION_ORG_ID: new InjectionToken<string>('SESSION_ORG_ID'),
  EXTENSION_ASSET_URL: new InjectionToken<string>('EXTENSION_ASSET_URL'),
  EXTENSION_ROUTE: new InjectionToken<string>('EXTENSION_ROUTE'),
  SDK_MODE: new InjectionToken<boolean>('SDK_MODE'),
  AuthTokenHolderService: TestAuthTokenHolderService,
};

const registry = new Map<string, unknown>([['@vcd/common', VCD_COMMON]]);
(window as unknown as { System: unknown }).System = { registry: { get: (name: string) => registry.get(name) } };
