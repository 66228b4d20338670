import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Org } from '../orgs/directory';

/**
 * vCD 10.4+'s MQTT API extensions (docs/vcd-mqtt.md §5): external services at `/cloudapi/extensions/api`, their API
 * filters at `/cloudapi/1.0.0/apiFilters` and their EXTENSION tokens at `/cloudapi/1.0.0/tokens`. State only;
 * cloudapi-routes.ts is the HTTP face, mqtt/ the bus that uses it.
 */

export interface ExternalService {
  /** `urn:vcloud:extension-api:{vendor}:{name}:{version}` */
  id: string;
  name: string;
  version: string;
  vendor: string;
  description: string | null;
  priority: number;
  enabled: boolean;
  authorizationEnabled: boolean;
  mqttTopics: { monitor: string; respond: string };
  /** Registration order across both registries' kinds, for the earliest-wins tie break. */
  seq: number;
}

export interface ExternalApiFilter {
  /** `urn:vcloud:apiFilter:<uuid>` */
  id: string;
  serviceId: string;
  urlPattern: string;
  regex: RegExp;
}

export interface ExtensionToken {
  /** `urn:vcloud:token:<uuid>` */
  id: string;
  name: string;
  /** The secret; shown once at creation. */
  token: string;
  extensionId: string;
  owner: { name: string; id: string };
  org: { name: string; id: string };
}

export const externalServiceId = (vendor: string, name: string, version: string) => `urn:vcloud:extension-api:${vendor}:${name}:${version}`;
export const tripletOf = (s: Pick<ExternalService, 'vendor' | 'name' | 'version'>) => `${s.vendor}/${s.name}/${s.version}`;

export function topicsOf(vendor: string, name: string, version: string) {
  const base = `topic/extension/${vendor}/${name}/${version}`;
  return { monitor: `${base}/ext`, respond: `${base}/vcd` };
}

let sequence = 0;
/** A shared counter so an MQTT service and an AMQP/HTTP one compare by registration time. */
export const nextRegistrationSeq = () => ++sequence;

/** External services, filters and tokens. Emits `tokenRevoked(token)` and `serviceRemoved(service)` for the bus. */
export class ExternalServices extends EventEmitter {
  readonly services = new Map<string, ExternalService>();
  readonly filters = new Map<string, ExternalApiFilter>();
  readonly tokens = new Map<string, ExtensionToken>();

  create(input: Omit<ExternalService, 'id' | 'mqttTopics' | 'seq'>): ExternalService {
    const id = externalServiceId(input.vendor, input.name, input.version);
    const service: ExternalService = { ...input, id, mqttTopics: topicsOf(input.vendor, input.name, input.version), seq: nextRegistrationSeq() };
    this.services.set(id, service);
    return service;
  }

  remove(service: ExternalService): void {
    this.services.delete(service.id);
    for (const f of [...this.filters.values()]) if (f.serviceId === service.id) this.filters.delete(f.id);
    for (const t of [...this.tokens.values()]) if (t.extensionId === service.id) this.revokeToken(t);
    this.emit('serviceRemoved', service);
  }

  addFilter(service: ExternalService, urlPattern: string, regex: RegExp): ExternalApiFilter {
    const filter: ExternalApiFilter = { id: `urn:vcloud:apiFilter:${randomUUID()}`, serviceId: service.id, urlPattern, regex };
    this.filters.set(filter.id, filter);
    return filter;
  }

  createToken(service: ExternalService, name: string, org: Org): ExtensionToken {
    const token: ExtensionToken = {
      id: `urn:vcloud:token:${randomUUID()}`,
      name,
      token: randomUUID(),
      extensionId: service.id,
      owner: { name: tripletOf(service), id: `urn:vcloud:externalService:${randomUUID()}` },
      org: { name: org.name, id: org.id },
    };
    this.tokens.set(token.id, token);
    return token;
  }

  revokeToken(token: ExtensionToken): void {
    this.tokens.delete(token.id);
    this.emit('tokenRevoked', token);
  }

  /** The service a bus login `vendor/name/version` + token stands for, if the token is live and its own. */
  authenticate(triplet: string, secret: string): { service: ExternalService; token: ExtensionToken } | undefined {
    const service = [...this.services.values()].find((s) => tripletOf(s) === triplet);
    if (!service) return undefined;
    const token = [...this.tokens.values()].find((t) => t.extensionId === service.id && t.token === secret);
    return token ? { service, token } : undefined;
  }

  /** The enabled service whose filter matches the whole path; the highest priority, then the earliest registered. */
  match(path: string): ExternalService | undefined {
    const matching = new Set([...this.filters.values()].filter((f) => f.regex.test(path)).map((f) => f.serviceId));
    const candidates = [...this.services.values()].filter((s) => s.enabled && matching.has(s.id));
    return candidates.sort((a, b) => b.priority - a.priority || a.seq - b.seq)[0];
  }
}
