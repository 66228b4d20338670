import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { badRequest } from '../http/vcd-errors';
import type { ApiFilter, ExtensionService, ServiceDefinition } from './registry';

/** vCD's XML for API extension services (VCD-WIRE §3): parsing what a provider posts, rendering what vCD answers. */

export const SERVICE_MEDIA_TYPE = 'application/vnd.vmware.admin.service+xml';
export const API_FILTER_MEDIA_TYPE = 'application/vnd.vmware.admin.apifilter+xml';
export const QUERY_RECORDS_MEDIA_TYPE = 'application/vnd.vmware.vcloud.query.records+xml';
const NS = 'xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5"';
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'Service.ApiFilters.ApiFilter',
});

type XmlNode = Record<string, unknown>;

function parseRoot(xml: string, root: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw badRequest(`The body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}).`);
  const doc = parser.parse(xml) as XmlNode;
  const node = doc[root];
  if (!node || typeof node !== 'object') throw badRequest(`The body must be a vmext:${root} element.`);
  return node as XmlNode;
}

const text = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') return text((value as XmlNode)['#text']);
  return String(value).trim();
};

function bool(node: XmlNode, field: string, fallback: boolean): boolean {
  const value = text(node[field]);
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw badRequest(`Invalid vmext:${field}: "${value}" is not true or false.`);
}

function required(node: XmlNode, field: string): string {
  const value = text(node[field]);
  if (!value) throw badRequest(`vmext:${field} is required.`);
  return value;
}

/** A vmext:Service document → its definition and URL patterns. */
export function parseServiceXml(xml: string): { definition: ServiceDefinition; urlPatterns: string[] } {
  const node = parseRoot(xml, 'Service');
  const name = text(node['@_name']);
  if (!name) throw badRequest('The vmext:Service element needs a name attribute.');
  const priority = Number(text(node.Priority) ?? 50);
  if (!Number.isInteger(priority) || priority < 0 || priority > 100) throw badRequest('Invalid vmext:Priority: an integer from 0 to 100.');
  const filters = ((node.ApiFilters as XmlNode | undefined)?.ApiFilter as XmlNode[] | undefined) ?? [];
  const urlPatterns = filters.map((f, i) => {
    const pattern = text(f.UrlPattern);
    if (!pattern) throw badRequest(`vmext:ApiFilters/vmext:ApiFilter[${i + 1}] needs a vmext:UrlPattern.`);
    return pattern;
  });
  return {
    definition: {
      name,
      namespace: required(node, 'Namespace'),
      vendor: text(node.Vendor) ?? '',
      description: text(node.Description) ?? '',
      priority,
      enabled: bool(node, 'Enabled', true),
      routingKey: text(node.RoutingKey) ?? '',
      exchange: text(node.Exchange) ?? '',
    },
    urlPatterns,
  };
}

/** A vmext:ApiFilter document → its URL pattern. */
export function parseApiFilterXml(xml: string): string {
  return required(parseRoot(xml, 'ApiFilter'), 'UrlPattern');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const serviceHref = (origin: string, service: ExtensionService) => `${origin}/api/admin/extension/service/${service.id}`;
export const filterHref = (origin: string, filter: ApiFilter) => `${origin}/api/admin/extension/service/apifilter/${filter.id}`;

function filterElement(origin: string, filter: ApiFilter, withNs: boolean): string {
  return (
    `<vmext:ApiFilter${withNs ? ` ${NS}` : ''} href="${esc(filterHref(origin, filter))}" id="urn:vcloud:apifilter:${filter.id}" type="${API_FILTER_MEDIA_TYPE}">` +
    `<vmext:UrlPattern>${esc(filter.urlPattern)}</vmext:UrlPattern></vmext:ApiFilter>`
  );
}

export function renderServiceXml(origin: string, service: ExtensionService): string {
  const href = esc(serviceHref(origin, service));
  return (
    HEAD +
    `<vmext:Service ${NS} name="${esc(service.name)}" id="urn:vcloud:service:${service.id}" href="${href}" type="${SERVICE_MEDIA_TYPE}">\n` +
    `  <Link rel="edit" href="${href}" type="${SERVICE_MEDIA_TYPE}"/>\n` +
    `  <Link rel="remove" href="${href}"/>\n` +
    `  <Link rel="down" href="${href}/apifilters" type="${QUERY_RECORDS_MEDIA_TYPE}"/>\n` +
    (service.description ? `  <Description>${esc(service.description)}</Description>\n` : '') +
    `  <vmext:Vendor>${esc(service.vendor)}</vmext:Vendor>\n` +
    `  <vmext:Priority>${service.priority}</vmext:Priority>\n` +
    `  <vmext:Namespace>${esc(service.namespace)}</vmext:Namespace>\n` +
    `  <vmext:Enabled>${service.enabled}</vmext:Enabled>\n` +
    `  <vmext:RoutingKey>${esc(service.routingKey)}</vmext:RoutingKey>\n` +
    `  <vmext:Exchange>${esc(service.exchange)}</vmext:Exchange>\n` +
    `  <vmext:ApiFilters>${service.apiFilters.map((f) => filterElement(origin, f, false)).join('')}</vmext:ApiFilters>\n` +
    `</vmext:Service>\n`
  );
}

export function renderApiFilterXml(origin: string, filter: ApiFilter): string {
  return HEAD + filterElement(origin, filter, true) + '\n';
}

function queryRecords(origin: string, path: string, name: string, records: string[]): string {
  return (
    HEAD +
    `<QueryResultRecords ${NS} name="${name}" page="1" pageSize="${Math.max(25, records.length)}" total="${records.length}" ` +
    `href="${esc(origin + path)}" type="${QUERY_RECORDS_MEDIA_TYPE}">\n` +
    records.map((r) => `  ${r}\n`).join('') +
    `</QueryResultRecords>\n`
  );
}

export function renderServiceRecordsXml(origin: string, services: ExtensionService[]): string {
  return queryRecords(
    origin,
    '/api/admin/extension/service',
    'adminService',
    services.map(
      (s) =>
        `<AdminServiceRecord name="${esc(s.name)}" namespace="${esc(s.namespace)}" vendor="${esc(s.vendor)}" enabled="${s.enabled}" ` +
        `priority="${s.priority}" routingKey="${esc(s.routingKey)}" exchange="${esc(s.exchange)}" ` +
        `href="${esc(serviceHref(origin, s))}" id="urn:vcloud:service:${s.id}"/>`,
    ),
  );
}

export function renderFilterRecordsXml(origin: string, service: ExtensionService): string {
  return queryRecords(
    origin,
    `/api/admin/extension/service/${service.id}/apifilters`,
    'apiFilter',
    service.apiFilters.map(
      (f) =>
        `<ApiFilterRecord service="${esc(serviceHref(origin, service))}" urlPattern="${esc(f.urlPattern)}" ` +
        `href="${esc(filterHref(origin, f))}" id="urn:vcloud:apifilter:${f.id}"/>`,
    ),
  );
}
