import { type ProviderSession, VcdProviderError } from './vcd-provider';

/**
 * vCD 10.4+'s external services over cloudapi (docs/vcd-mqtt.md §2, §5): the service, its API filters and its
 * EXTENSION tokens. Plain functions over fetch; the token's secret only ever leaves createToken's answer.
 */

const JSON_ACCEPT = 'application/json;version=37.0';

async function call<T>(session: ProviderSession, what: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T | undefined }> {
  const res = await fetch(new URL(path, session.vcdUrl), {
    method: init.method ?? 'GET',
    headers: { Accept: JSON_ACCEPT, Authorization: `Bearer ${session.token}`, ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  if (res.status === 404 && (init.method ?? 'GET') === 'GET') return { status: 404, body: undefined };
  if (!res.ok) throw new VcdProviderError(`${what} failed: HTTP ${res.status} ${text.slice(0, 300)}`, res.status);
  return { status: res.status, body: text ? (JSON.parse(text) as T) : undefined };
}

/** Every value of a cloudapi paged list. */
async function all<T>(session: ProviderSession, what: string, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const { body } = await call<{ values: T[]; pageCount: number }>(session, what, `${path}${sep}page=${page}&pageSize=128`);
    if (!body) return out;
    out.push(...body.values);
    if (page >= body.pageCount) return out;
  }
}

export interface ExternalServiceSpec {
  vendor: string;
  name: string;
  version: string;
}

export interface ExternalService extends ExternalServiceSpec {
  id: string;
  enabled: boolean;
  priority: number;
  authorizationEnabled: boolean;
  description: string | null;
  mqttTopics: { monitor: string; respond: string };
}

export const externalServiceId = (s: ExternalServiceSpec) => `urn:vcloud:extension-api:${s.vendor}:${s.name}:${s.version}`;
export const tripletOf = (s: ExternalServiceSpec) => `${s.vendor}/${s.name}/${s.version}`;

export async function getExternalService(session: ProviderSession, spec: ExternalServiceSpec): Promise<ExternalService | undefined> {
  const id = externalServiceId(spec);
  return (await call<ExternalService>(session, `reading external service ${id}`, `/cloudapi/extensions/api/${encodeURIComponent(id)}`)).body;
}

const WANTED = { priority: 50, enabled: true, authorizationEnabled: false };
export const serviceDiffers = (s: ExternalService) => s.enabled !== WANTED.enabled || s.authorizationEnabled !== WANTED.authorizationEnabled;

export async function createExternalService(session: ProviderSession, spec: ExternalServiceSpec): Promise<ExternalService> {
  const body = { ...spec, ...WANTED, description: 'vcd-serverless: functions, showback and autoscale for tenants' };
  const created = (await call<ExternalService>(session, `registering external service ${tripletOf(spec)}`, '/cloudapi/extensions/api', { method: 'POST', body })).body!;
  // VMware's own example answers enabled:false to a create that said true (docs/vcd-mqtt.md §5): make sure.
  return serviceDiffers(created) ? updateExternalService(session, created) : created;
}

export async function updateExternalService(session: ProviderSession, service: ExternalService): Promise<ExternalService> {
  const body = { ...service, ...WANTED };
  return (await call<ExternalService>(session, `updating external service ${service.id}`, `/cloudapi/extensions/api/${encodeURIComponent(service.id)}`, { method: 'PUT', body })).body!;
}

export async function deleteExternalService(session: ProviderSession, service: ExternalService): Promise<void> {
  if (service.enabled) await call(session, `disabling external service ${service.id}`, `/cloudapi/extensions/api/${encodeURIComponent(service.id)}`, { method: 'PUT', body: { ...service, enabled: false } });
  await call(session, `removing external service ${service.id}`, `/cloudapi/extensions/api/${encodeURIComponent(service.id)}`, { method: 'DELETE' });
}

export interface ApiFilter {
  id: string;
  externalSystem: { id: string; name?: string | null };
  urlMatcher: { urlPattern: string; urlScope: string } | null;
}

export async function listServiceFilters(session: ProviderSession, serviceId: string): Promise<ApiFilter[]> {
  return (await all<ApiFilter>(session, 'listing API filters', '/cloudapi/1.0.0/apiFilters')).filter((f) => f.externalSystem.id === serviceId);
}

export async function addServiceFilter(session: ProviderSession, service: ExternalService, urlPattern: string): Promise<void> {
  await call(session, `adding API filter ${urlPattern}`, '/cloudapi/1.0.0/apiFilters', {
    method: 'POST',
    body: { externalSystem: { id: service.id, name: service.name }, urlMatcher: { urlPattern, urlScope: 'API' } },
  });
}

export async function deleteServiceFilter(session: ProviderSession, filter: ApiFilter): Promise<void> {
  await call(session, `removing API filter ${filter.urlMatcher?.urlPattern ?? filter.id}`, `/cloudapi/1.0.0/apiFilters/${encodeURIComponent(filter.id)}`, { method: 'DELETE' });
}

export interface TokenRecord {
  id: string;
  name: string;
  type: string;
}

/** The service's EXTENSION tokens (vCD names them after the triplet). */
export async function listServiceTokens(session: ProviderSession, spec: ExternalServiceSpec): Promise<TokenRecord[]> {
  return (await all<TokenRecord>(session, 'listing tokens', '/cloudapi/1.0.0/tokens')).filter((t) => t.type === 'EXTENSION' && t.name === tripletOf(spec));
}

export async function createServiceToken(session: ProviderSession, spec: ExternalServiceSpec): Promise<{ id: string; token: string }> {
  const body = { name: tripletOf(spec), type: 'EXTENSION', extensionId: externalServiceId(spec) };
  const created = (await call<{ id: string; token: string }>(session, `issuing an EXTENSION token for ${tripletOf(spec)}`, '/cloudapi/1.0.0/tokens', { method: 'POST', body })).body!;
  if (!created?.id || !created.token) throw new VcdProviderError('vCD answered the token request without id and token');
  return { id: created.id, token: created.token };
}

export async function deleteServiceToken(session: ProviderSession, id: string): Promise<void> {
  await call(session, 'revoking an EXTENSION token', `/cloudapi/1.0.0/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
