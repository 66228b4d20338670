import { type ProviderSession, VcdProviderError } from './vcd-provider';

/**
 * Reads and changes what the deploy CLI owns in vCD, over vCD's admin API: the extension service and its API
 * filters (VCD-WIRE §3), the AMQP settings, UI plugins and their tenants (§1). Plain functions over fetch.
 */

const XML_ACCEPT = 'application/*+xml;version=37.0';
const JSON_ACCEPT = 'application/json;version=37.0';
const NS = 'xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5"';

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function call(session: ProviderSession, what: string, url: string, init: RequestInit & { accept?: string } = {}): Promise<string> {
  const res = await fetch(new URL(url, session.vcdUrl), {
    ...init,
    headers: { Accept: init.accept ?? XML_ACCEPT, Authorization: `Bearer ${session.token}`, ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  if (!res.ok) throw new VcdProviderError(`${what} failed: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
  return text;
}

/** Attributes of each `<Tag .../>` element in a document. */
function records(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([\w:]+)="([^"]*)"/g)].map(([, k, v]) => [k, unescapeXml(v)])),
  );
}

export interface ServiceState {
  href: string;
  name: string;
  namespace: string;
  enabled: boolean;
  routingKey: string;
  exchange: string;
}

export async function findService(session: ProviderSession, name: string): Promise<ServiceState | undefined> {
  const xml = await call(session, 'listing API extensions', '/api/admin/extension/service');
  const found = records(xml, 'AdminServiceRecord').find((r) => r.name === name);
  if (!found) return undefined;
  return { href: found.href, name: found.name, namespace: found.namespace, enabled: found.enabled === 'true', routingKey: found.routingKey, exchange: found.exchange };
}

export async function listFilters(session: ProviderSession, serviceHref: string): Promise<{ href: string; urlPattern: string }[]> {
  const xml = await call(session, 'listing API filters', `${serviceHref}/apifilters`);
  return records(xml, 'ApiFilterRecord').map((r) => ({ href: r.href, urlPattern: r.urlPattern }));
}

export async function addFilter(session: ProviderSession, serviceHref: string, urlPattern: string): Promise<void> {
  await call(session, `adding API filter ${urlPattern}`, `${serviceHref}/apifilters`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.vmware.admin.apifilter+xml' },
    body: `<vmext:ApiFilter ${NS}><vmext:UrlPattern>${escapeXml(urlPattern)}</vmext:UrlPattern></vmext:ApiFilter>`,
  });
}

export async function deleteFilter(session: ProviderSession, filterHref: string): Promise<void> {
  await call(session, 'removing an API filter', filterHref, { method: 'DELETE' });
}

export async function updateService(session: ProviderSession, service: ServiceState): Promise<void> {
  await call(session, `updating API extension ${service.name}`, service.href, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.vmware.admin.service+xml' },
    body:
      `<vmext:Service ${NS} name="${escapeXml(service.name)}"><vmext:Namespace>${escapeXml(service.namespace)}</vmext:Namespace>` +
      `<vmext:Enabled>${service.enabled}</vmext:Enabled><vmext:RoutingKey>${escapeXml(service.routingKey)}</vmext:RoutingKey>` +
      `<vmext:Exchange>${escapeXml(service.exchange)}</vmext:Exchange></vmext:Service>`,
  });
}

export async function deleteService(session: ProviderSession, service: ServiceState): Promise<void> {
  if (service.enabled) await updateService(session, { ...service, enabled: false });
  await call(session, `removing API extension ${service.name}`, service.href, { method: 'DELETE' });
}

/** vmext:AmqpSettings without the password (vCD never reads it back). */
export interface AmqpSettings {
  AmqpHost: string;
  AmqpPort: string;
  AmqpUsername: string;
  AmqpExchange: string;
  AmqpVHost: string;
  AmqpUseSSL: string;
  AmqpPrefix: string;
}
export const AMQP_FIELDS: (keyof AmqpSettings)[] = ['AmqpHost', 'AmqpPort', 'AmqpUsername', 'AmqpExchange', 'AmqpVHost', 'AmqpUseSSL', 'AmqpPrefix'];
const AMQP_PATH = '/api/admin/extension/settings/amqp';

export async function getAmqpSettings(session: ProviderSession): Promise<AmqpSettings> {
  const xml = await call(session, 'reading the AMQP settings', AMQP_PATH);
  const field = (f: string) => unescapeXml(new RegExp(`<(?:\\w+:)?${f}>([^<]*)</`).exec(xml)?.[1] ?? '');
  return Object.fromEntries(AMQP_FIELDS.map((f) => [f, field(f)])) as unknown as AmqpSettings;
}

export async function putAmqpSettings(session: ProviderSession, settings: AmqpSettings, password: string | undefined): Promise<void> {
  const fields = AMQP_FIELDS.map((f) => `<vmext:${f}>${escapeXml(settings[f])}</vmext:${f}>`).join('');
  const secret = password === undefined ? '' : `<vmext:AmqpPassword>${escapeXml(password)}</vmext:AmqpPassword>`;
  await call(session, 'setting the AMQP settings', AMQP_PATH, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.vmware.admin.amqpSettings+xml' },
    body: `<vmext:AmqpSettings ${NS}>${fields}${secret}</vmext:AmqpSettings>`,
  });
}

export interface UiPluginState {
  id: string;
  pluginName: string;
  version: string;
  plugin_status?: string;
}

async function json<T>(session: ProviderSession, what: string, path: string, init: RequestInit = {}): Promise<T> {
  const text = await call(session, what, path, { ...init, accept: JSON_ACCEPT });
  return (text ? JSON.parse(text) : undefined) as T;
}

export const listUiPlugins = (session: ProviderSession) => json<UiPluginState[]>(session, 'listing UI plugins', '/cloudapi/extensions/ui');

export async function deleteUiPlugin(session: ProviderSession, id: string): Promise<void> {
  await call(session, `removing UI plugin ${id}`, `/cloudapi/extensions/ui/${encodeURIComponent(id)}`, { method: 'DELETE', accept: JSON_ACCEPT });
}

interface Page<T> {
  values: T[];
  pageCount: number;
}

async function allPages<T>(session: ProviderSession, what: string, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const p = await json<Page<T>>(session, what, `${path}${sep}page=${page}&pageSize=128`);
    out.push(...p.values);
    if (page >= p.pageCount) return out;
  }
}

/** Tenant orgs (every org but System). */
export async function tenantOrgs(session: ProviderSession): Promise<{ name: string; id: string }[]> {
  const orgs = await allPages<{ name: string; id: string }>(session, 'listing orgs', '/cloudapi/1.0.0/orgs');
  return orgs.filter((o) => o.name.toLowerCase() !== 'system');
}

export const pluginTenants = (session: ProviderSession, id: string) =>
  allPages<{ name: string; id: string }>(session, 'listing the plugin\'s tenants', `/cloudapi/extensions/ui/${encodeURIComponent(id)}/tenants`);

export const publishToAll = (session: ProviderSession, id: string) =>
  call(session, 'publishing the plugin to all tenants', `/cloudapi/extensions/ui/${encodeURIComponent(id)}/tenants/publishAll`, { method: 'POST', accept: JSON_ACCEPT });

/** The org's ready functions with an HTTP trigger, read through vCD (the extension must answer already). */
export async function readyFunctionRoutes(session: ProviderSession, org: string): Promise<string[]> {
  const routes: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await json<{ items: { status: string; trigger: { type: string; route?: string } }[]; total: number }>(
      session,
      `listing the functions of ${org}`,
      `/api/org/${encodeURIComponent(org)}/faas/functions?limit=100&offset=${offset}`,
    );
    for (const f of page.items) if (f.status === 'ready' && f.trigger.type === 'http' && f.trigger.route) routes.push(f.trigger.route);
    if (offset + 100 >= page.total) return routes;
  }
}
