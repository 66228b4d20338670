import { provideHttpClient, withInterceptors, withInterceptorsFromDi } from '@angular/common/http';
import { ApplicationConfig, ENVIRONMENT_INITIALIZER, EnvironmentInjector, inject } from '@angular/core';
import { provideAnimations } from '@angular/platform-browser/animations';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { keepRootInjector, routes } from './app.routes';
import { vcdBearerInterceptor } from './session/vcd-bearer.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideRouter(routes, withComponentInputBinding()),
    // Root HttpClient, shared with plugins that do not bring their own (as vCD's portal does).
    provideHttpClient(withInterceptors([vcdBearerInterceptor]), withInterceptorsFromDi()),
    provideAnimations(),
    { provide: ENVIRONMENT_INITIALIZER, multi: true, useValue: () => keepRootInjector(inject(EnvironmentInjector)) },
  ],
};
