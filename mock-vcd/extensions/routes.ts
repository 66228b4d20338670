import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { requireApiVersion } from '../http/api-version';
import { VcdError, badRequest, notFound } from '../http/vcd-errors';
import { requireProvider, requireSession } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import type { ExtensionRegistry, ExtensionService } from './registry';
import { type AmqpSettings, amqpSettingsRoutes } from './amqp-settings';
import {
  API_FILTER_MEDIA_TYPE,
  QUERY_RECORDS_MEDIA_TYPE,
  SERVICE_MEDIA_TYPE,
  parseApiFilterXml,
  parseServiceXml,
  renderApiFilterXml,
  renderFilterRecordsXml,
  renderServiceRecordsXml,
  renderServiceXml,
  serviceHref,
} from './xml';

const xmlBody = [
  (req: Request, _res: Response, next: (err?: unknown) => void) => {
    const type = req.headers['content-type'] ?? '';
    if (!/xml/i.test(type)) {
      return next(new VcdError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as ${SERVICE_MEDIA_TYPE} (got "${type || 'no Content-Type'}").`));
    }
    next();
  },
  express.text({ type: () => true, limit: '1mb' }),
];

/** Compiles a pattern for the registry, turning a Java-regex error into vCD's 400. */
function compiling<T>(pattern: string, add: () => T): T {
  try {
    return add();
  } catch (err) {
    if (err instanceof SyntaxError) throw badRequest(`Invalid vmext:UrlPattern "${pattern}": ${err.message}.`);
    throw err;
  }
}

const BASE = '/api/admin/extension/service';
const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;
const xml = (res: Response, status: number, mediaType: string, body: string) =>
  res.status(status).type(`${mediaType};version=${res.locals.apiVersion}`).send(body);

function serviceOf(registry: ExtensionRegistry, req: Request): ExtensionService {
  const service = registry.find(String(req.params.id));
  if (!service) throw notFound(`Extension service ${req.params.id} not found.`);
  return service;
}

/** API extension registration (VCD-WIRE §3): `/api/admin/extension/service` and its API filters; provider only. */
export function extensionRoutes(deps: { sessions: SessionStore; registry: ExtensionRegistry; amqpSettings: AmqpSettings }): Router {
  const router = Router();
  const guard = [requireApiVersion, requireSession(deps.sessions), requireProvider];
  // Filter routes first: `${BASE}/apifilter/:filterId` must not be taken for a service id.
  apiFilterRoutes(router, guard, deps.registry);
  serviceRoutes(router, guard, deps.registry);
  router.use(amqpSettingsRoutes({ guard, settings: deps.amqpSettings }));
  return router;
}

function serviceRoutes(router: Router, guard: RequestHandler[], registry: ExtensionRegistry): void {
  router.post(BASE, ...guard, ...xmlBody, (req, res) => {
    const { definition, urlPatterns } = parseServiceXml(String(req.body ?? ''));
    if (registry.findByName(definition.name, definition.namespace)) {
      throw new VcdError(400, 'DUPLICATE_NAME', `An extension service named "${definition.name}" in namespace "${definition.namespace}" already exists.`);
    }
    const service = compiling(urlPatterns.join(' '), () => registry.register(definition, urlPatterns));
    res.set('Location', serviceHref(origin(req), service));
    xml(res, 201, SERVICE_MEDIA_TYPE, renderServiceXml(origin(req), service));
  });

  router.get(BASE, ...guard, (req, res) => {
    xml(res, 200, QUERY_RECORDS_MEDIA_TYPE, renderServiceRecordsXml(origin(req), [...registry.services.values()]));
  });

  router.get(`${BASE}/:id`, ...guard, (req, res) => {
    xml(res, 200, SERVICE_MEDIA_TYPE, renderServiceXml(origin(req), serviceOf(registry, req)));
  });

  // Updates the service's settings (e.g. <vmext:Enabled>false</vmext:Enabled> before deleting it); filters stay.
  router.put(`${BASE}/:id`, ...guard, ...xmlBody, (req, res) => {
    const service = serviceOf(registry, req);
    const { definition } = parseServiceXml(String(req.body ?? ''));
    Object.assign(service, definition);
    xml(res, 200, SERVICE_MEDIA_TYPE, renderServiceXml(origin(req), service));
  });

  router.delete(`${BASE}/:id`, ...guard, (req, res) => {
    const service = serviceOf(registry, req);
    if (service.enabled) {
      throw badRequest(`Extension service "${service.name}" is enabled; disable it (PUT with <vmext:Enabled>false</vmext:Enabled>) before deleting it.`);
    }
    registry.remove(service);
    res.status(204).end();
  });
}

function apiFilterRoutes(router: Router, guard: RequestHandler[], registry: ExtensionRegistry): void {
  router.get(`${BASE}/apifilter/:filterId`, ...guard, (req, res) => {
    const found = registry.findFilter(String(req.params.filterId));
    if (!found) throw notFound(`API filter ${req.params.filterId} not found.`);
    xml(res, 200, API_FILTER_MEDIA_TYPE, renderApiFilterXml(origin(req), found.filter));
  });

  router.delete(`${BASE}/apifilter/:filterId`, ...guard, (req, res) => {
    const found = registry.findFilter(String(req.params.filterId));
    if (!found) throw notFound(`API filter ${req.params.filterId} not found.`);
    registry.removeFilter(found.service, found.filter);
    res.status(204).end();
  });

  router.get(`${BASE}/:id/apifilters`, ...guard, (req, res) => {
    xml(res, 200, QUERY_RECORDS_MEDIA_TYPE, renderFilterRecordsXml(origin(req), serviceOf(registry, req)));
  });

  router.post(`${BASE}/:id/apifilters`, ...guard, ...xmlBody, (req, res) => {
    const service = serviceOf(registry, req);
    const pattern = parseApiFilterXml(String(req.body ?? ''));
    const filter = compiling(pattern, () => registry.addFilter(service, pattern));
    xml(res, 201, API_FILTER_MEDIA_TYPE, renderApiFilterXml(origin(req), filter));
  });
}
