import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { requireApiVersion } from '../http/api-version';
import { paged } from '../http/paged';
import { badRequest, notFound } from '../http/vcd-errors';
import { type Directory, type Org, findOrgById, findOrgByName, tenantOrgs, uuidOf } from '../orgs/directory';
import { isProvider, requireProvider, requireSession, sessionOf } from '../sessions/auth';
import type { Session, SessionStore } from '../sessions/store';
import { unpackPlugin } from './package';
import type { UiPlugin, UiPluginStore } from './store';

export interface UiPluginRoutesDeps {
  directory: Directory;
  sessions: SessionStore;
  plugins: UiPluginStore;
}

const MetadataSchema = z.object({
  pluginName: z.string().trim().min(1, 'pluginName is required'),
  vendor: z.string().trim().min(1, 'vendor is required'),
  version: z.string().trim().min(1, 'version is required'),
  description: z.string().default(''),
  license: z.string().default(''),
  link: z.string().default(''),
  tenant_scoped: z.boolean().default(true),
  provider_scoped: z.boolean().default(true),
  enabled: z.boolean().default(true),
});

const TransferRequestSchema = z.object({
  fileName: z.string().trim().min(1, 'fileName is required'),
  size: z.number().int('size must be an integer').positive('size must be the zip size in bytes'),
});

const TenantRefsSchema = z
  .array(z.object({ name: z.string().optional(), id: z.string().optional() }).refine((r) => r.name || r.id, 'each tenant needs a name or an id'))
  .min(1, 'name at least one tenant');

/** A zod result as vCD's 400, naming the field. */
function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? undefined);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first.path.join('.') || 'body';
  throw badRequest(`Invalid ${field}: ${first.message}.`);
}

const json = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });
const MAX_PLUGIN_BYTES = 64 * 1024 * 1024;

/** May this session see (list, read, load the files of) the plugin? */
export function canSee(session: Session, plugin: UiPlugin): boolean {
  if (isProvider(session)) return true;
  return plugin.enabled && plugin.tenant_scoped && plugin.status === 'ready' && plugin.publishedTo.has(session.org.id);
}

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

function toPluginJson(req: Request, plugin: UiPlugin) {
  return {
    id: plugin.id,
    pluginName: plugin.pluginName,
    vendor: plugin.vendor,
    description: plugin.description,
    version: plugin.version,
    license: plugin.license,
    link: plugin.link,
    tenant_scoped: plugin.tenant_scoped,
    provider_scoped: plugin.provider_scoped,
    enabled: plugin.enabled,
    plugin_status: plugin.status,
    // Where the unpacked files are served: `${resourcePath}/bundle.js`, `/manifest.json`, `/i18n.json`.
    resourcePath: `${origin(req)}/plugins/${uuidOf(plugin.id)}`,
  };
}

const tenantRefs = (deps: UiPluginRoutesDeps, plugin: UiPlugin) =>
  [...plugin.publishedTo].map((id) => findOrgById(deps.directory, id)).filter((o): o is Org => !!o).map((o) => ({ name: o.name, id: o.id }));

const BASE = '/cloudapi/extensions/ui';

/** What every group of plugin routes shares: the guards, the versioned JSON answer, the plugin a caller may see. */
function kitOf(deps: UiPluginRoutesDeps) {
  const session = requireSession(deps.sessions);
  const sendJson = (res: Response, status: number, body: unknown) =>
    res.status(status).type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(body));
  const visiblePlugin = (req: Request, res: Response): UiPlugin => {
    const plugin = deps.plugins.find(String(req.params.id));
    if (!plugin || !canSee(sessionOf(res), plugin)) throw notFound(`UI plugin ${req.params.id} not found.`);
    return plugin;
  };
  return { session, read: [requireApiVersion, session], write: [requireApiVersion, session, requireProvider], sendJson, visiblePlugin };
}
type Kit = ReturnType<typeof kitOf>;

/** The plugin's metadata: list, create, read, replace, delete. */
function metadataRoutes(router: Router, deps: UiPluginRoutesDeps, { read, write, sendJson, visiblePlugin }: Kit): void {
  router.get(BASE, ...read, (req, res) => {
    const s = sessionOf(res);
    sendJson(res, 200, [...deps.plugins.plugins.values()].filter((p) => canSee(s, p)).map((p) => toPluginJson(req, p)));
  });

  router.post(BASE, ...write, json, (req, res) => {
    const plugin = deps.plugins.create(parse(MetadataSchema, req.body));
    sendJson(res, 201, toPluginJson(req, plugin));
  });

  router.get(`${BASE}/:id`, ...read, (req, res) => sendJson(res, 200, toPluginJson(req, visiblePlugin(req, res))));

  router.put(`${BASE}/:id`, ...write, json, (req, res) => {
    const plugin = visiblePlugin(req, res);
    Object.assign(plugin, parse(MetadataSchema, req.body));
    sendJson(res, 200, toPluginJson(req, plugin));
  });

  router.delete(`${BASE}/:id`, ...write, (req, res) => {
    deps.plugins.delete(visiblePlugin(req, res));
    res.status(204).end();
  });
}

/** The upload: a transfer URL for the zip, the PUT of its bytes, and uninstalling. */
function uploadRoutes(router: Router, deps: UiPluginRoutesDeps, { session, write, visiblePlugin }: Kit): void {
  router.post(`${BASE}/:id/plugin`, ...write, json, (req, res) => {
    const plugin = visiblePlugin(req, res);
    const file = parse(TransferRequestSchema, req.body);
    if (file.size > MAX_PLUGIN_BYTES) throw badRequest(`Invalid size: a plugin may be at most ${MAX_PLUGIN_BYTES} bytes.`);
    const transfer = deps.plugins.startTransfer(plugin, file);
    const url = `${origin(req)}/transfer/${transfer.id}/${encodeURIComponent(file.fileName)}`;
    res.status(204).set('Link', `<${url}>;rel="upload:default";type="application/octet-stream"`).end();
  });

  router.delete(`${BASE}/:id/plugin`, ...write, (req, res) => {
    deps.plugins.uninstall(visiblePlugin(req, res));
    res.status(204).end();
  });

  router.put(
    '/transfer/:transferId/:fileName',
    session,
    requireProvider,
    express.raw({ type: () => true, limit: MAX_PLUGIN_BYTES }),
    (req, res) => {
      const transfer = deps.plugins.transfers.get(String(req.params.transferId));
      const plugin = transfer && deps.plugins.find(transfer.pluginId);
      if (!transfer || !plugin) throw notFound(`Transfer ${req.params.transferId} not found or already used.`);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!bytes.length) throw badRequest('The upload is empty: PUT the plugin zip bytes as the request body.');
      deps.plugins.transfers.delete(transfer.id);
      try {
        deps.plugins.install(plugin, unpackPlugin(bytes));
      } catch (err) {
        deps.plugins.uninstall(plugin);
        throw err;
      }
      res.status(200).end();
    },
  );
}

/** Publishing: each change answers the org references the plugin is published to afterwards. */
function publishingRoutes(router: Router, deps: UiPluginRoutesDeps, { write, sendJson, visiblePlugin }: Kit): void {
  const publishing = (change: (plugin: UiPlugin, orgs: Org[]) => void, needsBody: boolean) => [
    ...write,
    json,
    (req: Request, res: Response) => {
      const plugin = visiblePlugin(req, res);
      let orgs = tenantOrgs(deps.directory);
      if (needsBody) {
        orgs = parse(TenantRefsSchema, req.body).map((ref, i) => {
          const org = (ref.id && findOrgById(deps.directory, ref.id)) || (ref.name && findOrgByName(deps.directory, ref.name));
          if (!org) throw badRequest(`Invalid [${i}]: no org ${ref.id ?? ref.name}.`);
          return org;
        });
      }
      change(plugin, orgs);
      sendJson(res, 200, paged(tenantRefs(deps, plugin), req.query));
    },
  ];
  router.post(`${BASE}/:id/tenants/publishAll`, ...publishing((p, orgs) => orgs.forEach((o) => p.publishedTo.add(o.id)), false));
  router.post(`${BASE}/:id/tenants/publish`, ...publishing((p, orgs) => orgs.forEach((o) => p.publishedTo.add(o.id)), true));
  router.post(`${BASE}/:id/tenants/unpublish`, ...publishing((p, orgs) => orgs.forEach((o) => p.publishedTo.delete(o.id)), true));
  router.post(`${BASE}/:id/tenants/unpublishAll`, ...publishing((p) => p.publishedTo.clear(), false));
  router.get(`${BASE}/:id/tenants`, ...write, (req, res) => sendJson(res, 200, paged(tenantRefs(deps, visiblePlugin(req, res)), req.query)));
}

/** UI plugin extensions (VCD-WIRE §1): metadata, upload through a transfer URL, publishing, and the unpacked files. */
export function uiPluginRoutes(deps: UiPluginRoutesDeps): Router {
  const router = Router();
  const kit = kitOf(deps);
  metadataRoutes(router, deps, kit);
  uploadRoutes(router, deps, kit);
  publishingRoutes(router, deps, kit);

  // The unpacked files, for the portal host's loader (session by header or the login cookie, since <script> sends no header).
  router.get('/plugins/:id/*file', requireSession(deps.sessions, { allowCookie: true }), (req, res) => {
    const plugin = kit.visiblePlugin(req, res);
    const name = ([] as string[]).concat(req.params.file as unknown as string[]).join('/');
    const bytes = plugin.files.get(name);
    if (!bytes) throw notFound(`UI plugin ${req.params.id} has no file ${name}.`);
    res.type(name.split('.').pop() ?? 'application/octet-stream').set('Cache-Control', 'no-cache').send(bytes);
  });

  return router;
}
