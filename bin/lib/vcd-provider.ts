import { readFile } from 'node:fs/promises';
import { PRODUCT_ROUTES } from '../../contract/functions';

/**
 * What a provider does to install the product in vCD, over vCD's own REST API (VCD-WIRE §1–3).
 * Used by `npm start` and the tests now; the provider CLI (issue 6) grows from here.
 */

const ACCEPT_JSON = 'application/json;version=37.0';

export class VcdProviderError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

async function expectOk(res: Response, what: string): Promise<Response> {
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  throw new VcdProviderError(`${what} failed: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
}

export interface ProviderSession {
  vcdUrl: string;
  token: string;
}

export async function loginAsProvider(options: { vcdUrl: string; user: string; password: string }): Promise<ProviderSession> {
  return login(options, 'provider');
}

/** A tenant's session (`user@org`), e.g. for the demo data npm start collects and for the benches. */
export async function loginAsTenant(options: { vcdUrl: string; user: string; password: string }): Promise<ProviderSession> {
  return login(options, 'tenant');
}

async function login(options: { vcdUrl: string; user: string; password: string }, as: 'provider' | 'tenant'): Promise<ProviderSession> {
  const res = await fetch(`${options.vcdUrl}/cloudapi/1.0.0/sessions${as === 'provider' ? '/provider' : ''}`, {
    method: 'POST',
    headers: {
      Accept: ACCEPT_JSON,
      Authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`,
    },
  });
  await expectOk(res, `${as} login as ${options.user}`);
  const token = res.headers.get('x-vmware-vcloud-access-token');
  if (!token) throw new VcdProviderError(`${as} login answered without an X-VMWARE-VCLOUD-ACCESS-TOKEN header`);
  return { vcdUrl: options.vcdUrl, token };
}

function headers(session: ProviderSession, extra: Record<string, string> = {}): Record<string, string> {
  return { Accept: ACCEPT_JSON, Authorization: `Bearer ${session.token}`, ...extra };
}

interface UiPlugin {
  id: string;
  pluginName: string;
  version: string;
  plugin_status?: string;
}

/** Uploads dist/plugin.zip as a UI plugin (replacing any plugin of the same name) and publishes it to all tenants. */
export async function installUiPlugin(
  session: ProviderSession,
  options: { zipPath: string },
): Promise<UiPlugin> {
  const { zipBytes, manifest } = await readPluginZip(options.zipPath);
  const base = `${session.vcdUrl}/cloudapi/extensions/ui`;
  const created = await replacePluginEntry(session, base, manifest);
  await uploadPluginZip(session, `${base}/${encodeURIComponent(created.id)}`, zipBytes);

  const installed = (await (
    await expectOk(await fetch(`${base}/${encodeURIComponent(created.id)}`, { headers: headers(session) }), 'reading the plugin')
  ).json()) as UiPlugin;
  if (installed.plugin_status && installed.plugin_status !== 'ready') {
    throw new VcdProviderError(`vCD did not accept the plugin: status ${installed.plugin_status}`);
  }
  await expectOk(
    await fetch(`${base}/${encodeURIComponent(created.id)}/tenants/publishAll`, { method: 'POST', headers: headers(session) }),
    'publishing the plugin to all tenants',
  );
  return installed;
}

// The plugin's own manifest.json (vCD's UI plugin format); only the fields the metadata needs are read.
interface PluginManifest {
  name: string;
  vendor: string;
  description?: string;
  version: string;
  license?: string;
  link?: string;
  scope?: string[];
}

async function readPluginZip(zipPath: string): Promise<{ zipBytes: Buffer; manifest: PluginManifest }> {
  const { default: AdmZip } = await import('adm-zip');
  const zipBytes = await readFile(zipPath);
  const manifestEntry = new AdmZip(zipBytes).getEntry('manifest.json');
  if (!manifestEntry) throw new VcdProviderError(`${zipPath} is not a vCD UI plugin: it has no manifest.json`);
  return { zipBytes, manifest: JSON.parse(manifestEntry.getData().toString('utf8')) };
}

/** Removes any plugin of the manifest's name, then creates the plugin's metadata entry. */
async function replacePluginEntry(session: ProviderSession, base: string, manifest: PluginManifest): Promise<UiPlugin> {
  const existing = (await (await expectOk(await fetch(base, { headers: headers(session) }), 'listing UI plugins')).json()) as UiPlugin[];
  for (const plugin of existing.filter((p) => p.pluginName === manifest.name)) {
    await expectOk(await fetch(`${base}/${encodeURIComponent(plugin.id)}`, { method: 'DELETE', headers: headers(session) }), `removing old plugin ${plugin.id}`);
  }
  return (await (
    await expectOk(
      await fetch(base, {
        method: 'POST',
        headers: headers(session, { 'Content-Type': 'application/json' }),
        body: JSON.stringify({
          pluginName: manifest.name,
          vendor: manifest.vendor,
          description: manifest.description,
          version: manifest.version,
          license: manifest.license,
          link: manifest.link,
          tenant_scoped: (manifest.scope ?? []).includes('tenant'),
          provider_scoped: (manifest.scope ?? []).includes('service-provider'),
          enabled: true,
        }),
      }),
      'creating the UI plugin',
    )
  ).json()) as UiPlugin;
}

/** vCD's two-step upload: ask for a transfer URL (the Link header), then PUT the zip's bytes there. */
async function uploadPluginZip(session: ProviderSession, pluginUrl: string, zipBytes: Buffer): Promise<void> {
  const transfer = await expectOk(
    await fetch(`${pluginUrl}/plugin`, {
      method: 'POST',
      headers: headers(session, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ fileName: 'plugin.zip', size: zipBytes.length }),
    }),
    'starting the plugin upload',
  );
  const link = transfer.headers.get('link') ?? '';
  const uploadUrl = /<([^>]+)>/.exec(link)?.[1];
  if (!uploadUrl) throw new VcdProviderError(`vCD gave no upload URL in the Link header (got "${link}")`);
  await expectOk(
    await fetch(new URL(uploadUrl, session.vcdUrl), {
      method: 'PUT',
      headers: headers(session, { 'Content-Type': 'application/zip' }),
      body: zipBytes,
    }),
    'uploading plugin.zip',
  );
}

/** URL patterns (Java regex, whole path) of everything the backend answers under /api/org/{org}/. */
export const EXTENSION_URL_PATTERNS = [
  // The product's own routes.
  `/api/org/[^/]+/(${PRODUCT_ROUTES.join('|')})(/.*)?`,
  // Function routes: any other DNS-label path under an org; the backend refuses reserved words when a route is made.
  '/api/org/[^/]+/[a-z0-9][a-z0-9-]*(/.*)?',
];

/** Registers (or re-registers) the API extension with the vmext:Service XML of VCD-WIRE §3. */
export async function registerApiExtension(
  session: ProviderSession,
  options: { name?: string; exchange?: string; routingKey?: string; urlPatterns?: string[] } = {},
): Promise<{ href: string }> {
  const name = options.name ?? 'serverless';
  const patterns = options.urlPatterns ?? EXTENSION_URL_PATTERNS;
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<vmext:Service xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" name="${escape(name)}">` +
    `<vmext:Namespace>${escape(name)}</vmext:Namespace><vmext:Enabled>true</vmext:Enabled>` +
    `<vmext:RoutingKey>${escape(options.routingKey ?? name)}</vmext:RoutingKey><vmext:Exchange>${escape(options.exchange ?? 'vcdext')}</vmext:Exchange>` +
    `<vmext:ApiFilters>${patterns.map((p) => `<vmext:ApiFilter><vmext:UrlPattern>(${escape(p)})</vmext:UrlPattern></vmext:ApiFilter>`).join('')}</vmext:ApiFilters>` +
    `</vmext:Service>`;
  const res = await fetch(`${session.vcdUrl}/api/admin/extension/service`, {
    method: 'POST',
    headers: {
      Accept: 'application/*+xml;version=37.0',
      Authorization: `Bearer ${session.token}`,
      'Content-Type': 'application/vnd.vmware.admin.service+xml',
    },
    body: xml,
  });
  await expectOk(res, `registering the API extension ${name}`);
  const body = await res.text();
  return { href: /href="([^"]+)"/.exec(body)?.[1] ?? '' };
}
