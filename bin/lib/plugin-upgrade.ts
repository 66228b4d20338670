import { readFile } from 'node:fs/promises';
import type { Step } from './step';
import * as vcd from './vcd-admin';
import { type ProviderSession, VcdProviderError } from './vcd-provider';

/**
 * A newer plugin over an installed one, in place: the same UI extension (same id) gets the new metadata and bundle,
 * so the orgs it is published to stay published throughout (a delete and re-create unpublishes it from every tenant
 * until it is published again, and fails half-way with none). An older one is refused unless the provider allows it.
 */

/** Compares two versions as semver orders them (major.minor.patch, a pre-release before its release); <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map((n) => Number(n) || 0), pre: pre ?? '' };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  const xs = x.pre.split('.');
  const ys = y.pre.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (xs[i] === undefined) return -1;
    if (ys[i] === undefined) return 1;
    const [nx, ny] = [Number(xs[i]), Number(ys[i])];
    const d = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : xs[i].localeCompare(ys[i]);
    if (d) return Math.sign(d);
  }
  return 0;
}

const ACCEPT = 'application/json;version=37.0';

async function call(session: ProviderSession, what: string, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(new URL(url, session.vcdUrl), {
    ...init,
    headers: { Accept: ACCEPT, Authorization: `Bearer ${session.token}`, ...(init.body && !Buffer.isBuffer(init.body) ? { 'Content-Type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
  });
  if (!res.ok) throw new VcdProviderError(`${what} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`, res.status);
  return res;
}

/** Replaces the bundle of plugin `id` with the zip's, keeping its id and so the orgs it is published to. */
export async function upgradeUiPlugin(session: ProviderSession, id: string, zipPath: string): Promise<void> {
  const { default: AdmZip } = await import('adm-zip');
  const bytes = await readFile(zipPath);
  const manifest = JSON.parse(new AdmZip(bytes).getEntry('manifest.json')!.getData().toString('utf8'));
  const base = `/cloudapi/extensions/ui/${encodeURIComponent(id)}`;
  const metadata = {
    pluginName: manifest.name, vendor: manifest.vendor, description: manifest.description, version: manifest.version, license: manifest.license, link: manifest.link,
    tenant_scoped: (manifest.scope ?? []).includes('tenant'), provider_scoped: (manifest.scope ?? []).includes('service-provider'), enabled: true,
  };
  await call(session, 'updating the plugin\'s metadata', base, { method: 'PUT', body: JSON.stringify(metadata) });
  // vCD takes a new bundle only once the old one is gone.
  await call(session, 'removing the old bundle', `${base}/plugin`, { method: 'DELETE' });
  const transfer = await call(session, 'starting the plugin upload', `${base}/plugin`, { method: 'POST', body: JSON.stringify({ fileName: 'plugin.zip', size: bytes.length }) });
  const upload = /<([^>]+)>/.exec(transfer.headers.get('link') ?? '')?.[1];
  if (!upload) throw new VcdProviderError(`vCD gave no upload URL in the Link header (got "${transfer.headers.get('link')}")`);
  await call(session, 'uploading plugin.zip', upload, { method: 'PUT', headers: { 'Content-Type': 'application/zip' }, body: bytes });
  const installed = (await (await call(session, 'reading the plugin', base)).json()) as { plugin_status?: string };
  if (installed.plugin_status && installed.plugin_status !== 'ready') throw new VcdProviderError(`vCD did not accept the plugin: status ${installed.plugin_status}`);
  // The publication set is the provider's: an upgrade keeps exactly the orgs it had (an org they unpublished stays so).
}

/** The step that takes the installed plugin to the zip's version; refuses an older version without allowDowngrade. */
export async function upgradeStep(
  session: ProviderSession,
  installed: vcd.UiPluginState,
  manifest: { name: string; version: string },
  options: { zipPath: string; allowDowngrade?: boolean },
): Promise<Step> {
  const older = compareVersions(manifest.version, installed.version) < 0;
  if (older && !options.allowDowngrade) {
    throw new VcdProviderError(
      `vCD runs UI plugin ${installed.pluginName} ${installed.version}, newer than the ${manifest.version} of ${options.zipPath}: ` +
        'refusing to downgrade (pass --allow-downgrade to install the older version anyway)',
    );
  }
  const orgs = (await vcd.pluginTenants(session, installed.id)).map((t) => t.name).sort();
  return {
    describe: `replace UI plugin ${manifest.name} ${installed.version} with ${manifest.version}${older ? ' (a downgrade, allowed)' : ''} in place ` +
      `(it stays published to ${orgs.join(', ') || 'no org'})`,
    apply: () => upgradeUiPlugin(session, installed.id, options.zipPath),
  };
}
