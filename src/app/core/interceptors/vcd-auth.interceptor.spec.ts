import { HttpClient, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentInjector, createEnvironmentInjector, importProvidersFrom } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { API_ROOT_URL, AuthTokenHolderService, SESSION_ORGANIZATION } from '@vcd/sdk/common';
import { TEST_API_ROOT, TEST_ORG, TEST_TOKEN, providePluginTesting } from '../../../testing/plugin-testing';
import { PluginModule } from '../../plugin.module';

const API_URL = `${TEST_API_ROOT}/api/org/${TEST_ORG}/faas/functions`;

describe('the session token on the plugin’s requests', () => {
  describe('through the plugin’s HttpClient', () => {
    let http: HttpClient;
    let backend: HttpTestingController;

    beforeEach(() => {
      TestBed.configureTestingModule({ providers: providePluginTesting() });
      http = TestBed.inject(HttpClient);
      backend = TestBed.inject(HttpTestingController);
    });

    afterEach(() => backend.verify());

    it('goes on a call of the vCD API, read anew per request so a refreshed token is used', () => {
      http.get(API_URL).subscribe();
      expect(backend.expectOne(API_URL).request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);

      (TestBed.inject(AuthTokenHolderService as never) as { token: string }).token = 'refreshed-token';
      http.get(API_URL).subscribe();
      expect(backend.expectOne(API_URL).request.headers.get('Authorization')).toBe('Bearer refreshed-token');
    });

    it('stays home on a request to any other address', () => {
      for (const url of ['https://elsewhere.example.test/api/org/acme/faas/functions', `${TEST_API_ROOT}/tenant/${TEST_ORG}/plugins/x/i18n.json`]) {
        http.get(url).subscribe();
        expect(backend.expectOne(url).request.headers.has('Authorization')).withContext(url).toBeFalse();
      }
    });
  });

  it('is added by the plugin module’s own HttpClient only: the host’s client sends the host’s requests unchanged', () => {
    // The portal: its root HttpClient and the vCD tokens on the plugin's route; the plugin module loaded below it.
    TestBed.configureTestingModule({
      providers: [
        { provide: API_ROOT_URL, useValue: `${TEST_API_ROOT}/` },
        { provide: SESSION_ORGANIZATION, useValue: TEST_ORG },
        { provide: AuthTokenHolderService as never, useValue: { token: TEST_TOKEN } },
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
      ],
    });
    const host = TestBed.inject(EnvironmentInjector);
    const plugin = createEnvironmentInjector([importProvidersFrom(PluginModule), provideHttpClientTesting()], host);
    const hostBackend = host.get(HttpTestingController);
    const pluginBackend = plugin.get(HttpTestingController);
    expect(plugin.get(HttpClient)).not.toBe(host.get(HttpClient));

    host.get(HttpClient).get(API_URL).subscribe();
    plugin.get(HttpClient).get(API_URL).subscribe();

    expect(hostBackend.expectOne(API_URL).request.headers.has('Authorization')).toBeFalse();
    expect(pluginBackend.expectOne(API_URL).request.headers.get('Authorization')).toBe(`Bearer ${TEST_TOKEN}`);
    hostBackend.verify();
    pluginBackend.verify();
    plugin.destroy();
  });
});
