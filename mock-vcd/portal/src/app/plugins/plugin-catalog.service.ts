import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { PortalScope, VCD_ACCEPT } from '../session/session.model';
import { SessionService, describeHttpError } from '../session/session.service';
import { PluginManifest, PortalPlugin, UiPluginWire, isVisibleIn, pluginAssetUrl, toPortalPlugin } from './plugin.model';

/** The published UI plugins of the current session, as vCD lists them, with their manifests. */
@Injectable({ providedIn: 'root' })
export class PluginCatalogService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);
  readonly plugins = signal<PortalPlugin[]>([]);
  readonly problems = signal<string[]>([]);

  async load(scope: PortalScope): Promise<PortalPlugin[]> {
    const token = this.session.session()?.token ?? '';
    const headers = new HttpHeaders({ Accept: VCD_ACCEPT, Authorization: `Bearer ${token}` });
    const problems: string[] = [];
    let listed: UiPluginWire[] = [];
    try {
      const body = await firstValueFrom(this.http.get<UiPluginWire[] | { values?: UiPluginWire[] }>('/cloudapi/extensions/ui', { headers }));
      listed = Array.isArray(body) ? body : (body?.values ?? []);
    } catch (err) {
      problems.push(`The plugin list could not be loaded: ${describeHttpError(err)}`);
    }
    const plugins: PortalPlugin[] = [];
    for (const wire of listed.filter((p) => isVisibleIn(p, scope))) {
      const assetUrl = pluginAssetUrl(wire);
      try {
        const manifest = await firstValueFrom(this.http.get<PluginManifest>(`${assetUrl}/manifest.json`));
        plugins.push(toPortalPlugin(wire, manifest, assetUrl));
      } catch (err) {
        problems.push(`Plugin ${wire.pluginName ?? wire.id}: manifest.json could not be loaded (${describeHttpError(err)})`);
      }
    }
    for (const problem of problems) console.error(`[portal] ${problem}`);
    this.plugins.set(plugins);
    this.problems.set(problems);
    return plugins;
  }
}
