import { readFile } from 'node:fs/promises';
import AdmZip from 'adm-zip';
import { type MqttTarget, mqttDeploySteps, mqttUndeploySteps } from './deploy-mqtt';
import { upgradeStep } from './plugin-upgrade';
import { PRODUCT_ROUTES } from '../../contract/functions';
import type { Step } from './step';
import * as vcd from './vcd-admin';
import { installUiPlugin, registerApiExtension, type ProviderSession, VcdProviderError } from './vcd-provider';

/** What `vcd-serverless deploy` wants vCD to hold, and the steps that get it there from what vCD holds now. */

export interface DeployTarget {
  zipPath: string;
  /** Extension service name = namespace (VCD-WIRE §3). */
  name: string;
  exchange: string;
  routingKey: string;
  /** vCD's broker settings; absent = left as they are. */
  amqp?: { settings: vcd.AmqpSettings; password?: string };
  /** How vCD reaches the backend: its MQTT bus (an external service, vCD 10.4+) or an AMQP extension service. */
  transport: 'mqtt' | 'amqp';
  mqtt: Pick<MqttTarget, 'service' | 'tokenFile' | 'note'>;
  /** Install a plugin older than the one vCD runs (refused otherwise). */
  allowDowngrade?: boolean;
}

export type { Step } from './step';

export interface PluginManifest {
  name: string;
  version: string;
}

/** The plugin's manifest, or an error saying why the file is not a vCD UI plugin. */
export async function readPluginZip(zipPath: string): Promise<PluginManifest> {
  let bytes: Buffer;
  try {
    bytes = await readFile(zipPath);
  } catch (err) {
    throw new VcdProviderError(`cannot read ${zipPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (build it with npm run build)`);
  }
  let manifest: unknown;
  try {
    const entry = new AdmZip(bytes).getEntry('manifest.json');
    if (!entry) throw new Error('it has no manifest.json');
    manifest = JSON.parse(entry.getData().toString('utf8'));
  } catch (err) {
    const reason = /no manifest/.test((err as Error).message) ? (err as Error).message : `it is not a zip with a readable manifest.json (${(err as Error).message})`;
    throw new VcdProviderError(`${zipPath} is not a vCD UI plugin: ${reason}`);
  }
  const m = manifest as Partial<PluginManifest> & { module?: unknown };
  if (typeof m.name !== 'string' || typeof m.version !== 'string' || typeof m.module !== 'string') {
    throw new VcdProviderError(`${zipPath} is not a vCD UI plugin: manifest.json lacks name, version or module`);
  }
  return { name: m.name, version: m.version };
}

/** The product's own paths (Java regex, whole path; vCD's UrlPattern), wrapped in a group as VCD-WIRE §3 shows. */
export const PRODUCT_PATTERN = `(/api/org/[^/]+/(${PRODUCT_ROUTES.join('|')})(/.*)?)`;
const regexQuote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const routePattern = (org: string, route: string) => `(/api/org/${regexQuote(org)}/${regexQuote(route)}(/.*)?)`;

async function pluginSteps(session: ProviderSession, target: DeployTarget, manifest: PluginManifest): Promise<Step[]> {
  const installed = (await vcd.listUiPlugins(session)).filter((p) => p.pluginName === manifest.name);
  const install: Step = {
    describe: installed.length
      ? `replace UI plugin ${manifest.name} ${installed.map((p) => p.version).join(', ')} with ${manifest.version} and publish it to all tenants`
      : `upload UI plugin ${manifest.name} ${manifest.version} and publish it to all tenants`,
    apply: async () => void (await installUiPlugin(session, { zipPath: target.zipPath })),
  };
  if (installed.length !== 1) return [install];
  const [current] = installed;
  if (current.plugin_status && current.plugin_status !== 'ready') return [install];
  if (current.version !== manifest.version) return [await upgradeStep(session, current, manifest, { zipPath: target.zipPath, allowDowngrade: target.allowDowngrade })];
  // Only a first install publishes to every tenant; after that the orgs it is published to are the provider's choice
  // (a re-deploy of the same version must not undo an unpublish).
  return [];
}

export async function wantedPatterns(session: ProviderSession): Promise<string[]> {
  const patterns = [PRODUCT_PATTERN];
  for (const org of await vcd.tenantOrgs(session)) {
    for (const route of await vcd.readyFunctionRoutes(session, org.name)) patterns.push(routePattern(org.name, route));
  }
  return patterns;
}

async function extensionSteps(session: ProviderSession, target: DeployTarget): Promise<Step[]> {
  const service = await vcd.findService(session, target.name);
  if (!service) {
    return [
      {
        describe: `register API extension ${target.name} (exchange ${target.exchange}, routing key ${target.routingKey}) for ${PRODUCT_PATTERN}`,
        apply: async () =>
          void (await registerApiExtension(session, { name: target.name, exchange: target.exchange, routingKey: target.routingKey, urlPatterns: [PRODUCT_PATTERN.slice(1, -1)] })),
      },
      // Function routes are read through the extension, so only once it answers.
      { describe: 'add an API filter for each ready function route', apply: () => applyFilters(session, target) },
    ];
  }
  const steps: Step[] = [];
  const wanted = { ...service, namespace: target.name, enabled: true, exchange: target.exchange, routingKey: target.routingKey };
  if (service.namespace !== wanted.namespace || !service.enabled || service.exchange !== wanted.exchange || service.routingKey !== wanted.routingKey) {
    steps.push({
      describe: `update API extension ${target.name}: enabled, exchange ${target.exchange}, routing key ${target.routingKey}`,
      apply: () => vcd.updateService(session, wanted),
    });
  }
  const filters = await vcd.listFilters(session, service.href);
  const patterns = service.enabled ? await wantedPatterns(session) : [PRODUCT_PATTERN];
  for (const p of patterns.filter((p) => !filters.some((f) => f.urlPattern === p))) {
    steps.push({ describe: `add API filter ${p}`, apply: () => vcd.addFilter(session, service.href, p) });
  }
  for (const f of filters.filter((f) => !patterns.includes(f.urlPattern))) {
    steps.push({ describe: `remove API filter ${f.urlPattern}`, apply: () => vcd.deleteFilter(session, f.href) });
  }
  return steps;
}

async function applyFilters(session: ProviderSession, target: DeployTarget): Promise<void> {
  const service = await vcd.findService(session, target.name);
  if (!service) throw new VcdProviderError(`API extension ${target.name} vanished while deploying`);
  const filters = await vcd.listFilters(session, service.href);
  for (const p of await wantedPatterns(session)) if (!filters.some((f) => f.urlPattern === p)) await vcd.addFilter(session, service.href, p);
}

async function amqpSteps(session: ProviderSession, target: DeployTarget): Promise<Step[]> {
  if (!target.amqp) return [];
  const { settings, password } = target.amqp;
  const current = await vcd.getAmqpSettings(session);
  const changed = vcd.AMQP_FIELDS.filter((f) => current[f] !== settings[f]);
  if (!changed.length) return [];
  return [{ describe: `set vCD's AMQP settings: ${changed.map((f) => `${f}=${settings[f]}`).join(', ')}`, apply: () => vcd.putAmqpSettings(session, settings, password) }];
}

/** The steps from vCD's current state to the target; none when vCD already holds it. */
export async function planDeploy(session: ProviderSession, target: DeployTarget): Promise<Step[]> {
  const manifest = await readPluginZip(target.zipPath);
  const extension =
    target.transport === 'mqtt'
      ? await mqttDeploySteps(session, { ...target.mqtt, productPattern: PRODUCT_PATTERN, patterns: async (read) => (read ? wantedPatterns(session) : [PRODUCT_PATTERN]) })
      : [...(await amqpSteps(session, target)), ...(await extensionSteps(session, target))];
  return [...extension, ...(await pluginSteps(session, target, manifest))];
}

/**
 * Everything deploy made, over either transport: the UI plugin (by name), the AMQP extension service with its filters,
 * the MQTT external service with its filters and tokens and the stored token. vCD's AMQP settings stay (shared).
 */
export async function planUndeploy(session: ProviderSession, options: { name: string; pluginName: string; mqtt: Pick<MqttTarget, 'service' | 'tokenFile'> }): Promise<Step[]> {
  const steps: Step[] = [];
  for (const p of (await vcd.listUiPlugins(session)).filter((p) => p.pluginName === options.pluginName)) {
    steps.push({ describe: `remove UI plugin ${p.pluginName} ${p.version}`, apply: () => vcd.deleteUiPlugin(session, p.id) });
  }
  const service = await vcd.findService(session, options.name);
  if (service) steps.push({ describe: `disable and remove API extension ${service.name} and its API filters`, apply: () => vcd.deleteService(session, service) });
  steps.push(...(await mqttUndeploySteps(session, options.mqtt)));
  return steps;
}
