import { type BackendAbout, BackendAboutSchema } from '../../contract/about';
import { type RateCard, RateCardViewSchema } from '../../contract/showback-prices';
import * as vcd from './vcd-admin';
import * as ext from './vcd-external-services';
import { type ProviderSession, VcdProviderError } from './vcd-provider';

/**
 * `vcd-serverless status`: what one environment runs, read with the provider's session. The plugin and the
 * registrations from vCD's admin APIs; the backend's version, migration level, counts and rate card through vCD,
 * as a tenant's browser reaches it (so a backend that vCD does not forward to shows as unreachable).
 */

export interface Registration {
  /** mqtt: an external service on vCD's MQTT bus; amqp: an API extension service (AMQP, or HTTP in the mock). */
  transport: 'mqtt' | 'amqp';
  service: string;
  enabled: boolean;
  filters: string[];
}

export interface EnvironmentStatus {
  vcd: string;
  plugin: { name: string; version: string; status: string; publishedTo: string[] } | null;
  registrations: Registration[];
  backend: BackendAbout | { error: string };
  rateCard: RateCard | { error: string };
}

export interface StatusTarget {
  pluginName: string;
  /** The extension service's name (deploy's --name). */
  name: string;
  /** The external service deploy registers in MQTT mode. */
  service: ext.ExternalServiceSpec;
}

async function pluginOf(session: ProviderSession, pluginName: string): Promise<EnvironmentStatus['plugin']> {
  const found = (await vcd.listUiPlugins(session)).filter((p) => p.pluginName === pluginName);
  if (!found.length) return null;
  if (found.length > 1) throw new VcdProviderError(`vCD holds ${found.length} UI plugins named ${pluginName} (${found.map((p) => p.version).join(', ')}): remove all but one`);
  const [p] = found;
  const tenants = await vcd.pluginTenants(session, p.id);
  return { name: p.pluginName, version: p.version, status: p.plugin_status ?? 'ready', publishedTo: tenants.map((t) => t.name).sort() };
}

async function registrationsOf(session: ProviderSession, target: StatusTarget): Promise<Registration[]> {
  const out: Registration[] = [];
  const external = await ext.getExternalService(session, target.service);
  if (external) {
    const filters = await ext.listServiceFilters(session, external.id);
    out.push({ transport: 'mqtt', service: ext.tripletOf(external), enabled: external.enabled, filters: filters.flatMap((f) => (f.urlMatcher ? [f.urlMatcher.urlPattern] : [])).sort() });
  }
  const service = await vcd.findService(session, target.name);
  if (service) {
    const filters = await vcd.listFilters(session, service.href);
    out.push({ transport: 'amqp', service: service.name, enabled: service.enabled, filters: filters.map((f) => f.urlPattern).sort() });
  }
  return out;
}

/** A backend route read through vCD as the provider (org System), or why it could not be. */
async function throughVcd<T>(session: ProviderSession, path: string, parse: (body: unknown) => T): Promise<T | { error: string }> {
  try {
    const res = await fetch(`${session.vcdUrl}/api/org/System/${path}`, { headers: { Accept: 'application/json', Authorization: `Bearer ${session.token}` } });
    const text = await res.text();
    if (!res.ok) return { error: `GET /api/org/System/${path} through vCD answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    return parse(JSON.parse(text));
  } catch (err) {
    return { error: `GET /api/org/System/${path} through vCD failed: ${(err as Error).message}` };
  }
}

export async function collectStatus(session: ProviderSession, target: StatusTarget): Promise<EnvironmentStatus> {
  const [plugin, registrations, backend, card] = await Promise.all([
    pluginOf(session, target.pluginName),
    registrationsOf(session, target),
    throughVcd(session, 'provider/about', (b) => BackendAboutSchema.parse(b)),
    throughVcd(session, 'showback/ratecard', (b) => RateCardViewSchema.parse(b)),
  ]);
  const rateCard = 'error' in card ? card : { currency: card.currency, rates: card.rates, overrides: card.overrides };
  return { vcd: session.vcdUrl, plugin, registrations, backend, rateCard };
}

const table = (rows: string[][]): string[] => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
};

/** The status for people: one section per part, the per-org counts as a table. */
export function formatStatus(s: EnvironmentStatus): string[] {
  const lines = [`vCD        ${s.vcd}`];
  lines.push(s.plugin ? `plugin     ${s.plugin.name} ${s.plugin.version} (${s.plugin.status}), published to ${s.plugin.publishedTo.join(', ') || 'no org'}` : 'plugin     not installed');
  if (!s.registrations.length) lines.push('extension  not registered');
  for (const r of s.registrations) {
    lines.push(`extension  ${r.transport === 'mqtt' ? 'external service' : 'API extension'} ${r.service} over ${r.transport.toUpperCase()}, ${r.enabled ? 'enabled' : 'DISABLED'}`);
    for (const f of r.filters) lines.push(`  filter   ${f}`);
  }
  if ('error' in s.backend) {
    lines.push(`backend    unreachable: ${s.backend.error}`);
  } else {
    const { version, transport, migrations, orgs } = s.backend;
    lines.push(`backend    ${version} over ${transport.toUpperCase()}, store at migration ${migrations.level} (${migrations.applied.at(-1) ?? 'none'})`);
    if (orgs.length) lines.push('', ...table([['ORG', 'FUNCTIONS', 'RULES'], ...orgs.map((o) => [o.org, String(o.functions), String(o.rules)])]));
  }
  lines.push('', 'error' in s.rateCard ? `rate card  unreadable: ${s.rateCard.error}` : `rate card  ${s.rateCard.currency} ${JSON.stringify(s.rateCard.rates)}${Object.keys(s.rateCard.overrides).length ? `, overrides for ${Object.keys(s.rateCard.overrides).join(', ')}` : ''}`);
  return lines;
}
