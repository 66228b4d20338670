import { readTokenFile, removeTokenFile, tokenHint, writeTokenFile } from '../../server/transport/mqtt/token-file';
import type { Step } from './step';
import * as ext from './vcd-external-services';
import { type ProviderSession, VcdProviderError } from './vcd-provider';

/**
 * The MQTT half of `vcd-serverless deploy` (vCD 10.4+, docs/vcd-mqtt.md): the external service, its API filters and
 * its EXTENSION token, stored for the backend in a 0600 file and never printed whole. Idempotent: a second run finds
 * the service, the filters and the stored token still valid in vCD, and plans nothing.
 */

export interface MqttTarget {
  service: ext.ExternalServiceSpec;
  /** Where the backend reads the token (its DATA_DIR/mqtt-extension.token, or VCD_EXTENSION_TOKEN_FILE). */
  tokenFile: string;
  /** The filters wanted: the product's own, plus each ready function route read through the extension. */
  patterns: (readRoutes: boolean) => Promise<string[]>;
  productPattern: string;
  /** Says what deploy could not check (printed, not an error). */
  note?: (line: string) => void;
}

/** Issues a token, stores it, then revokes the service's other tokens (the backend reads the file at its next connect). */
async function issueToken(session: ProviderSession, target: MqttTarget): Promise<void> {
  const { id, token } = await ext.createServiceToken(session, target.service);
  writeTokenFile(target.tokenFile, { service: ext.tripletOf(target.service), tokenId: id, token });
  for (const old of await ext.listServiceTokens(session, target.service)) if (old.id !== id) await ext.deleteServiceToken(session, old.id);
}

function storedToken(file: string): { tokenId?: string; token: string } | undefined {
  try {
    return readTokenFile(file);
  } catch {
    return undefined; // unreadable: a fresh token replaces it
  }
}

async function tokenSteps(session: ProviderSession, target: MqttTarget): Promise<Step[]> {
  const triplet = ext.tripletOf(target.service);
  const tokens = await ext.listServiceTokens(session, target.service);
  const stored = storedToken(target.tokenFile);
  const valid = stored?.tokenId !== undefined && tokens.some((t) => t.id === stored.tokenId);
  if (!valid) {
    return [{ describe: `issue an EXTENSION token for ${triplet} and store it in ${target.tokenFile} (mode 0600)`, apply: () => issueToken(session, target) }];
  }
  const stale = tokens.filter((t) => t.id !== stored?.tokenId);
  if (!stale.length) return [];
  return [{ describe: `revoke ${stale.length} other EXTENSION token(s) of ${triplet} (kept: ${tokenHint(stored!.token)})`, apply: async () => { for (const t of stale) await ext.deleteServiceToken(session, t.id); } }];
}

export async function mqttDeploySteps(session: ProviderSession, target: MqttTarget): Promise<Step[]> {
  const triplet = ext.tripletOf(target.service);
  const service = await ext.getExternalService(session, target.service);
  if (!service) {
    return [
      {
        describe: `register external service ${triplet} on vCD's MQTT bus with API filter ${target.productPattern}`,
        apply: async () => {
          const created = await ext.createExternalService(session, target.service);
          await ext.addServiceFilter(session, created, target.productPattern);
        },
      },
      { describe: `issue an EXTENSION token for ${triplet} and store it in ${target.tokenFile} (mode 0600)`, apply: () => issueToken(session, target) },
    ];
  }
  const steps: Step[] = [];
  if (ext.serviceDiffers(service)) steps.push({ describe: `update external service ${triplet}: enabled, no vCD authorization`, apply: async () => void (await ext.updateExternalService(session, service)) });
  const tokens = await tokenSteps(session, target);
  steps.push(...tokens);
  // Function routes are read through the extension: only while the backend can answer (its token is good).
  let readRoutes = tokens.length === 0 && !ext.serviceDiffers(service);
  const filters = await ext.listServiceFilters(session, service.id);
  let patterns: string[];
  try {
    patterns = await target.patterns(readRoutes);
  } catch (err) {
    // 502/504: vCD has nobody on the bus yet (the backend not started, or still reading its token).
    if (!(err instanceof VcdProviderError) || ![502, 503, 504].includes(err.status ?? 0)) throw err;
    target.note?.(`note: the backend did not answer through vCD (${err.status}); function route filters are left as they are`);
    readRoutes = false;
    patterns = [target.productPattern];
  }
  const has = (p: string) => filters.some((f) => f.urlMatcher?.urlPattern === p);
  for (const p of patterns.filter((p) => !has(p))) steps.push({ describe: `add API filter ${p}`, apply: () => ext.addServiceFilter(session, service, p) });
  if (readRoutes) {
    for (const f of filters.filter((f) => !patterns.includes(f.urlMatcher?.urlPattern ?? ''))) {
      steps.push({ describe: `remove API filter ${f.urlMatcher?.urlPattern ?? f.id}`, apply: () => ext.deleteServiceFilter(session, f) });
    }
  }
  return steps;
}

/** The external service with its filters and tokens, and the stored token file. */
export async function mqttUndeploySteps(session: ProviderSession, target: Pick<MqttTarget, 'service' | 'tokenFile'>): Promise<Step[]> {
  const triplet = ext.tripletOf(target.service);
  const steps: Step[] = [];
  const service = await ext.getExternalService(session, target.service);
  const tokens = await ext.listServiceTokens(session, target.service);
  if (tokens.length) steps.push({ describe: `revoke the EXTENSION token(s) of ${triplet}`, apply: async () => { for (const t of tokens) await ext.deleteServiceToken(session, t.id); } });
  if (service) {
    steps.push({
      describe: `disable and remove external service ${triplet} and its API filters`,
      apply: async () => {
        for (const f of await ext.listServiceFilters(session, service.id)) await ext.deleteServiceFilter(session, f);
        await ext.deleteExternalService(session, service);
      },
    });
  }
  if (storedToken(target.tokenFile)) steps.push({ describe: `remove the stored token ${target.tokenFile}`, apply: async () => removeTokenFile(target.tokenFile) });
  return steps;
}
