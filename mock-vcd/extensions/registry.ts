import { randomUUID } from 'node:crypto';
import { compileJavaPattern } from './java-regex';
import { nextRegistrationSeq } from './external-services';

export interface ApiFilter {
  id: string;
  serviceId: string;
  urlPattern: string;
  regex: RegExp;
}

export interface ServiceDefinition {
  name: string;
  namespace: string;
  vendor: string;
  description: string;
  priority: number;
  enabled: boolean;
  routingKey: string;
  exchange: string;
}

export interface ExtensionService extends ServiceDefinition {
  /** A bare uuid; the URN is `urn:vcloud:service:<id>`. */
  id: string;
  apiFilters: ApiFilter[];
  /** Registration order shared with MQTT external services (external-services.ts). */
  seq: number;
}

/** Registered API extension services and their URL filters, in registration order. */
export class ExtensionRegistry {
  readonly services = new Map<string, ExtensionService>();

  register(definition: ServiceDefinition, urlPatterns: string[]): ExtensionService {
    const service: ExtensionService = { ...definition, id: randomUUID(), apiFilters: [], seq: nextRegistrationSeq() };
    for (const p of urlPatterns) this.addFilter(service, p);
    this.services.set(service.id, service);
    return service;
  }

  find(id: string): ExtensionService | undefined {
    return this.services.get(id.replace(/^urn:vcloud:service:/, ''));
  }

  findByName(name: string, namespace: string): ExtensionService | undefined {
    return [...this.services.values()].find((s) => s.name === name && s.namespace === namespace);
  }

  /** Adds a filter; throws SyntaxError for a pattern that does not compile. */
  addFilter(service: ExtensionService, urlPattern: string): ApiFilter {
    const filter: ApiFilter = { id: randomUUID(), serviceId: service.id, urlPattern, regex: compileJavaPattern(urlPattern) };
    service.apiFilters.push(filter);
    return filter;
  }

  findFilter(filterId: string): { service: ExtensionService; filter: ApiFilter } | undefined {
    for (const service of this.services.values()) {
      const filter = service.apiFilters.find((f) => f.id === filterId.replace(/^urn:vcloud:apifilter:/, ''));
      if (filter) return { service, filter };
    }
    return undefined;
  }

  removeFilter(service: ExtensionService, filter: ApiFilter): void {
    service.apiFilters = service.apiFilters.filter((f) => f !== filter);
  }

  remove(service: ExtensionService): void {
    this.services.delete(service.id);
  }

  /** The enabled service whose filter matches the whole path; the highest priority, then the earliest registered, wins. */
  match(path: string): ExtensionService | undefined {
    const candidates = [...this.services.values()].filter((s) => s.enabled && s.apiFilters.some((f) => f.regex.test(path)));
    return candidates.sort((a, b) => b.priority - a.priority)[0];
  }
}
