import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { RouterTestingHarness } from '@angular/router/testing';
import { LOCALE_ID, Provider, EnvironmentProviders } from '@angular/core';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { Routes, provideRouter } from '@angular/router';
import { API_ROOT_URL, AuthTokenHolderService, SESSION_ORGANIZATION, SESSION_SCOPE } from '@vcd/sdk/common';
import { provideServerlessCore, provideServerlessHttp } from '../app/core/core.providers';

export const TEST_API_ROOT = 'https://vcd.example.test';
export const TEST_ORG = 'acme';
export const TEST_TOKEN = 'token-of-admin@acme';

/**
 * The plugin as the portal mounts it: host tokens on the route, the plugin's own HttpClient and core services, a
 * test HTTP backend. A feature's service comes from its routes file; specs that mount a component alone add it.
 */
export function providePluginTesting(options: { routes?: Routes; locale?: string } = {}): (Provider | EnvironmentProviders)[] {
  return [
    { provide: API_ROOT_URL, useValue: `${TEST_API_ROOT}/` },
    { provide: SESSION_ORGANIZATION, useValue: TEST_ORG },
    { provide: SESSION_SCOPE, useValue: 'tenant' },
    { provide: AuthTokenHolderService as never, useValue: { token: TEST_TOKEN } },
    { provide: LOCALE_ID, useValue: options.locale ?? 'en-US' },
    provideServerlessHttp(),
    provideHttpClientTesting(),
    provideRouter(options.routes ?? []),
    provideNoopAnimations(),
    provideServerlessCore(),
  ];
}

/** A function as the backend answers it (contract FunctionView), with overrides. */
export function wireFunction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'hello',
    org: TEST_ORG,
    runtime: 'nodejs20',
    code: 'module.exports = async () => ({ statusCode: 200, body: { message: "Hello world" } })',
    trigger: { type: 'http', route: 'hello' },
    limits: { memoryMb: 64, timeoutMs: 1000 },
    status: 'ready',
    url: `/api/org/${TEST_ORG}/hello`,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:05:00.000Z',
    ...overrides,
  };
}

export const FUNCTIONS_URL = `${TEST_API_ROOT}/api/org/${TEST_ORG}/faas/functions`;

/** The whole plugin (its routes) in a portal scope and org, opened at `url`: the harness and the test HTTP backend. */
export async function openPluginAt(options: { routes: Routes; scope: 'service-provider' | 'tenant'; org: string; url: string }): Promise<{ harness: RouterTestingHarness; http: HttpTestingController }> {
  TestBed.configureTestingModule({
    providers: [...providePluginTesting({ routes: options.routes }), { provide: SESSION_SCOPE, useValue: options.scope }, { provide: SESSION_ORGANIZATION, useValue: options.org }],
  });
  const http = TestBed.inject(HttpTestingController);
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(options.url);
  return { harness, http };
}
