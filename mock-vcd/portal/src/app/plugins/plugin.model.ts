/** One entry of vCD's `GET /cloudapi/extensions/ui` (VCD-WIRE §1), the fields the portal reads. */
export interface UiPluginWire {
  id: string;
  pluginName?: string;
  vendor?: string;
  version?: string;
  description?: string;
  enabled?: boolean;
  tenant_scoped?: boolean;
  provider_scoped?: boolean;
  plugin_status?: string;
  resourcePath?: string;
}

/** The plugin's manifest.json (VCD-WIRE §1). */
export interface PluginManifest {
  urn?: string;
  name: string;
  module?: string;
  route?: string;
  description?: string;
  scope?: string[];
  extensionPoints?: { type?: string; route?: string; module?: string; name?: string }[];
}

/** A plugin the portal can show: where its files are and where it is mounted. */
export interface PortalPlugin {
  id: string;
  name: string;
  description: string;
  route: string;
  module: string;
  assetUrl: string;
}

/** Where vCD serves the plugin's unpacked files: its `resourcePath`, kept same-origin so the session cookie goes along. */
export function pluginAssetUrl(wire: UiPluginWire): string {
  if (wire.resourcePath) {
    const url = new URL(wire.resourcePath, location.href);
    return (url.origin === location.origin ? url.pathname : url.href).replace(/\/+$/, '');
  }
  return `/plugins/${encodeURIComponent(wire.id.replace(/^urn:vcloud:uiPlugin:/, ''))}`;
}

export function isVisibleIn(wire: UiPluginWire, scope: 'tenant' | 'provider'): boolean {
  if (wire.enabled === false) return false;
  if (wire.plugin_status && wire.plugin_status !== 'ready') return false;
  return scope === 'tenant' ? wire.tenant_scoped !== false : wire.provider_scoped !== false;
}

export function toPortalPlugin(wire: UiPluginWire, manifest: PluginManifest, assetUrl: string): PortalPlugin {
  const primary = manifest.extensionPoints?.find((p) => p.type === 'navigation:primary');
  const route = (manifest.route ?? primary?.route ?? wire.id).replace(/^\/+|\/+$/g, '');
  return {
    id: wire.id,
    name: manifest.name ?? wire.pluginName ?? route,
    description: manifest.description ?? wire.description ?? '',
    route,
    module: manifest.module ?? primary?.module ?? 'PluginModule',
    assetUrl,
  };
}
