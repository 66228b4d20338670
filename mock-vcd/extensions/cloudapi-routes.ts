import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { requireApiVersion } from '../http/api-version';
import { paged } from '../http/paged';
import { VcdError, badRequest, notFound } from '../http/vcd-errors';
import { requireProvider, requireSession, sessionOf } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import { type ExtensionToken, type ExternalApiFilter, type ExternalService, type ExternalServices, externalServiceId } from './external-services';
import { compileJavaPattern } from './java-regex';

/** vendor, name and version end up in a URN and in MQTT topic levels: no `:`, `/`, `+`, `#` or spaces. */
const part = z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'may use letters, digits, ".", "_" and "-" only');

const ServiceBody = z.object({
  name: part,
  version: part,
  vendor: part,
  description: z.string().max(1024).nullish(),
  priority: z.number().int().min(0).max(100).default(50),
  enabled: z.boolean().default(true),
  authorizationEnabled: z.boolean().default(false),
});

const FilterBody = z
  .object({
    externalSystem: z.object({ id: z.string().min(1), name: z.string().optional() }),
    urlMatcher: z.object({ urlPattern: z.string().min(1).max(1024), urlScope: z.literal('API') }).optional(),
    responseContentType: z.string().nullish(),
  })
  .refine((b) => b.urlMatcher, { message: 'urlMatcher is required (responseContentType filters are not supported by this mock)', path: ['urlMatcher'] });

const TokenBody = z.object({ name: z.string().min(1).max(128), type: z.literal('EXTENSION'), extensionId: z.string().min(1) });

const json = express.json({ limit: '100kb', type: (req) => /json/i.test(String(req.headers['content-type'] ?? '')) });

function parse<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object') throw badRequest('Send a JSON object with Content-Type: application/json.');
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badRequest(`${issue.path.join('.') || 'body'}: ${issue.message}.`);
}

const serviceJson = ({ seq: _seq, ...s }: ExternalService) => s;
const filterJson = (f: ExternalApiFilter, services: ExternalServices) => ({
  id: f.id,
  externalSystem: { id: f.serviceId, name: services.services.get(f.serviceId)?.name ?? null },
  urlMatcher: { urlPattern: f.urlPattern, urlScope: 'API' },
  responseContentType: null,
});

type Guard = ReturnType<typeof requireSession>[];
const list = <T>(req: Request, res: Response, values: T[]) => res.json(paged(values, req.query));

/** `/cloudapi/extensions/api`: the external services themselves. */
function serviceRoutes(router: Router, services: ExternalServices, guard: Guard): void {
  const serviceOf = (id: string) => {
    const s = services.services.get(id);
    if (!s) throw notFound(`External service ${id} not found.`);
    return s;
  };
  const api = '/cloudapi/extensions/api';
  router.get(api, ...guard, (req, res) => list(req, res, [...services.services.values()].map(serviceJson)));
  router.post(api, ...guard, json, (req, res) => {
    const body = parse(ServiceBody, req.body);
    if (services.services.has(externalServiceId(body.vendor, body.name, body.version))) {
      throw new VcdError(400, 'DUPLICATE_NAME', `An external service ${body.vendor}/${body.name}/${body.version} already exists.`);
    }
    const service = services.create({ ...body, description: body.description ?? null });
    res.status(201).json(serviceJson(service));
  });
  router.get(`${api}/:id`, ...guard, (req, res) => res.json(serviceJson(serviceOf(String(req.params.id)))));
  router.put(`${api}/:id`, ...guard, json, (req, res) => {
    const service = serviceOf(String(req.params.id));
    const body = parse(ServiceBody, req.body);
    if (externalServiceId(body.vendor, body.name, body.version) !== service.id) {
      throw badRequest('vendor, name and version identify an external service and cannot change.');
    }
    Object.assign(service, { ...body, description: body.description ?? null });
    res.json(serviceJson(service));
  });
  router.delete(`${api}/:id`, ...guard, (req, res) => {
    services.remove(serviceOf(String(req.params.id)));
    res.status(204).end();
  });
}

/** `/cloudapi/1.0.0/apiFilters`: which request URLs vCD forwards to which service. */
function filterRoutes(router: Router, services: ExternalServices, guard: Guard): void {
  const filters = '/cloudapi/1.0.0/apiFilters';
  router.get(filters, ...guard, (req, res) => list(req, res, [...services.filters.values()].map((f) => filterJson(f, services))));
  router.post(filters, ...guard, json, (req, res) => {
    const body = parse(FilterBody, req.body);
    const service = services.services.get(body.externalSystem.id);
    if (!service) throw badRequest(`externalSystem.id: no external service ${body.externalSystem.id}.`);
    const pattern = body.urlMatcher!.urlPattern;
    let regex: RegExp;
    try {
      regex = compileJavaPattern(pattern);
    } catch (err) {
      throw badRequest(`urlMatcher.urlPattern "${pattern}" is not a valid regular expression: ${(err as Error).message}.`);
    }
    res.status(201).json(filterJson(services.addFilter(service, pattern, regex), services));
  });
  router.get(`${filters}/:id`, ...guard, (req, res) => {
    const f = services.filters.get(String(req.params.id));
    if (!f) throw notFound(`API filter ${req.params.id} not found.`);
    res.json(filterJson(f, services));
  });
  router.delete(`${filters}/:id`, ...guard, (req, res) => {
    if (!services.filters.delete(String(req.params.id))) throw notFound(`API filter ${req.params.id} not found.`);
    res.status(204).end();
  });
}

const tokenJson = (t: ExtensionToken) => ({ id: t.id, name: t.name, expirationTimeUtc: null, owner: t.owner, org: t.org, type: 'EXTENSION' });

/** `/cloudapi/1.0.0/tokens` of type EXTENSION: what an external service logs in to the bus with. */
function tokenRoutes(router: Router, services: ExternalServices, guard: Guard): void {
  const tokens = '/cloudapi/1.0.0/tokens';
  router.get(tokens, ...guard, (req, res) => list(req, res, [...services.tokens.values()].map(tokenJson)));
  router.post(tokens, ...guard, json, (req, res) => {
    const body = parse(TokenBody, req.body);
    const service = services.services.get(body.extensionId);
    if (!service) throw badRequest(`extensionId: no external service ${body.extensionId}.`);
    const token = services.createToken(service, body.name, sessionOf(res).org);
    // The only time the secret leaves the mock, as in vCD.
    res.status(201).json({ ...tokenJson(token), token: token.token });
  });
  router.get(`${tokens}/:id`, ...guard, (req, res) => {
    const t = services.tokens.get(String(req.params.id));
    if (!t) throw notFound(`Token ${req.params.id} not found.`);
    res.json(tokenJson(t));
  });
  router.delete(`${tokens}/:id`, ...guard, (req, res) => {
    const t = services.tokens.get(String(req.params.id));
    if (!t) throw notFound(`Token ${req.params.id} not found.`);
    services.revokeToken(t);
    res.status(204).end();
  });
}

/** `/cloudapi/extensions/api`, `/cloudapi/1.0.0/apiFilters`, `/cloudapi/1.0.0/tokens` (EXTENSION): provider only. */
export function externalServiceRoutes(deps: { sessions: SessionStore; services: ExternalServices }): Router {
  const router = Router();
  const guard = [requireApiVersion, requireSession(deps.sessions), requireProvider];
  serviceRoutes(router, deps.services, guard);
  filterRoutes(router, deps.services, guard);
  tokenRoutes(router, deps.services, guard);
  return router;
}
