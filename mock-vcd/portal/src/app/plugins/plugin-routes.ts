import { EnvironmentProviders, Provider, Type, inject } from '@angular/core';
import { Routes } from '@angular/router';
import { loadAmdModule } from '../host/amd-loader';
import { vcdCommon } from '../host/vcd-common';
import { HomeComponent } from '../home/home.component';
import { MockControlsComponent } from '../mock-controls/mock-controls.component';
import { PluginContext } from '../session/session.model';
import { SessionService } from '../session/session.service';
import { PluginCatalogService } from './plugin-catalog.service';
import { PortalPlugin } from './plugin.model';

/**
 * The children of a portal shell: Home, and one lazy route per plugin at `plugins/<manifest.route>` with the
 * `@vcd/common` token values vCD gives a plugin, its NgModule loaded from its AMD bundle.
 * Call in an injection context.
 */
export async function shellChildRoutes(context: PluginContext): Promise<Routes> {
  const holder = inject(SessionService).tokenHolder;
  const plugins = await inject(PluginCatalogService).load(context.scope);
  return [
    { path: '', pathMatch: 'full', component: HomeComponent },
    ...plugins.map((plugin) => ({
      path: `plugins/${plugin.route}`,
      title: `${plugin.name} - Cloud Director (mock)`,
      providers: pluginProviders(plugin, context, holder),
      loadChildren: () => loadPluginModule(plugin),
    })),
    // The mock's own admin page (load, task faults): provider only, as its API is.
    ...(context.scope === 'provider' ? [{ path: 'mock-controls', title: 'Mock controls - Cloud Director (mock)', component: MockControlsComponent }] : []),
    { path: '**', redirectTo: '' },
  ];
}

export function pluginProviders(plugin: PortalPlugin, context: PluginContext, holder: object): (Provider | EnvironmentProviders)[] {
  const routePrefix = context.scope === 'provider' ? 'provider' : `tenant/${context.orgName}`;
  return [
    { provide: vcdCommon.API_ROOT_URL, useValue: location.origin },
    { provide: vcdCommon.SESSION_SCOPE, useValue: context.scope === 'provider' ? 'service-provider' : 'tenant' },
    { provide: vcdCommon.SESSION_ORGANIZATION, useValue: context.orgName },
    { provide: vcdCommon.SESSION_ORG_ID, useValue: context.orgId },
    { provide: vcdCommon.EXTENSION_ASSET_URL, useValue: plugin.assetUrl },
    { provide: vcdCommon.EXTENSION_ROUTE, useValue: `${routePrefix}/plugins/${plugin.route}` },
    { provide: vcdCommon.SDK_MODE, useValue: false },
    { provide: vcdCommon.AuthTokenHolderService, useValue: holder },
  ];
}

async function loadPluginModule(plugin: PortalPlugin): Promise<Type<unknown>> {
  const exports = (await loadAmdModule(`${plugin.assetUrl}/bundle.js`)) as Record<string, unknown> | undefined;
  const ngModule = exports?.[plugin.module] ?? exports?.['PluginModule'];
  if (typeof ngModule !== 'function') {
    const found = Object.keys(exports ?? {}).join(', ') || 'nothing';
    throw new Error(`Plugin ${plugin.name}: bundle.js exports no "${plugin.module}" (it exports ${found})`);
  }
  return ngModule as Type<unknown>;
}
