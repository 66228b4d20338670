import { randomUUID } from 'node:crypto';
import type { PluginManifest } from './package';

export type PluginStatus = 'ready' | 'unavailable';

export interface UiPluginMetadata {
  pluginName: string;
  vendor: string;
  description: string;
  version: string;
  license: string;
  link: string;
  tenant_scoped: boolean;
  provider_scoped: boolean;
  enabled: boolean;
}

export interface UiPlugin extends UiPluginMetadata {
  id: string;
  status: PluginStatus;
  manifest?: PluginManifest;
  files: Map<string, Buffer>;
  /** Org ids the plugin is published to. */
  publishedTo: Set<string>;
}

export interface Transfer {
  id: string;
  pluginId: string;
  fileName: string;
  size: number;
}

/** UI plugins and their pending upload transfers, in memory. */
export class UiPluginStore {
  readonly plugins = new Map<string, UiPlugin>();
  readonly transfers = new Map<string, Transfer>();

  create(metadata: UiPluginMetadata): UiPlugin {
    const plugin: UiPlugin = {
      ...metadata,
      id: `urn:vcloud:uiPlugin:${randomUUID()}`,
      status: 'unavailable',
      files: new Map(),
      publishedTo: new Set(),
    };
    this.plugins.set(plugin.id, plugin);
    return plugin;
  }

  /** By URN or by its bare uuid (the form used in /plugins/{id}/ URLs). */
  find(idOrUuid: string): UiPlugin | undefined {
    return this.plugins.get(idOrUuid) ?? this.plugins.get(`urn:vcloud:uiPlugin:${idOrUuid}`);
  }

  delete(plugin: UiPlugin): void {
    this.plugins.delete(plugin.id);
    for (const [id, t] of this.transfers) if (t.pluginId === plugin.id) this.transfers.delete(id);
  }

  startTransfer(plugin: UiPlugin, file: { fileName: string; size: number }): Transfer {
    const transfer: Transfer = { id: randomUUID(), pluginId: plugin.id, ...file };
    this.transfers.set(transfer.id, transfer);
    return transfer;
  }

  install(plugin: UiPlugin, unpacked: { manifest: PluginManifest; files: Map<string, Buffer> }): void {
    plugin.manifest = unpacked.manifest;
    plugin.files = unpacked.files;
    plugin.status = 'ready';
  }

  uninstall(plugin: UiPlugin): void {
    plugin.manifest = undefined;
    plugin.files = new Map();
    plugin.status = 'unavailable';
  }
}
