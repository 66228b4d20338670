import { EnvironmentInjector, runInInjectionContext } from '@angular/core';
import { Routes } from '@angular/router';
import { LoginComponent } from './login/login.component';
import { shellChildRoutes } from './plugins/plugin-routes';
import { PortalContextService } from './session/portal-context.service';
import { landingGuard, portalGuard } from './session/portal.guard';
import { PortalScope } from './session/session.model';
import { ShellComponent } from './shell/shell.component';

/** Angular 17.1 runs `loadChildren` outside an injection context; the root injector is kept here for it. */
let rootInjector: EnvironmentInjector | undefined;
export function keepRootInjector(injector: EnvironmentInjector): void {
  rootInjector = injector;
}

function loadShellChildren(scope: PortalScope): () => Promise<Routes> {
  return () => {
    if (!rootInjector) throw new Error('The portal root injector is not ready');
    const injector = rootInjector;
    return runInInjectionContext(injector, () => shellChildRoutes(injector.get(PortalContextService).build(scope)));
  };
}

export const routes: Routes = [
  { path: '', pathMatch: 'full', canMatch: [landingGuard], children: [] },
  { path: 'login', title: 'Log in - Cloud Director (mock)', component: LoginComponent },
  { path: 'tenant/:org/login', title: 'Log in - Cloud Director (mock)', component: LoginComponent },
  {
    path: 'tenant/:org',
    canMatch: [portalGuard('tenant')],
    component: ShellComponent,
    loadChildren: loadShellChildren('tenant'),
  },
  {
    path: 'provider',
    canMatch: [portalGuard('provider')],
    component: ShellComponent,
    loadChildren: loadShellChildren('provider'),
  },
  { path: '**', redirectTo: '' },
];
