import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { findVm, type Vm } from '../infra/model';
import type { Infra } from '../infra/service';
import type { VropsGroup, VropsMock } from './service';

/**
 * The mock vROps's suite-api, the subset the backend uses (docs/vrops-suite-api.md, each rule with its source):
 * token acquire, VM resources by name, custom groups (list, create, read, members) and a group's child
 * relationships (add, set). Provider-level like the real vROps: one account, no vCD org.
 */

/** vROps's answer to a missing, unknown or expired token [API guide "Handling Token Expiration"]. */
const TOKEN_INVALID = { message: 'The provided token for auth scheme "vRealizeOpsToken" is either invalid or has expired.', httpStatusCode: 401, apiErrorCode: 1512 };
/** "The validity of the acquired token is extended after each call and is set to 6 hours from the last call." */
const TOKEN_VALIDITY_MS = 6 * 3_600_000;

type Deps = { infra: Infra; vrops: VropsMock; now?: () => number };

const error = (res: Response, status: number, message: string) => res.status(status).json({ message, httpStatusCode: status });

/** vSphere names a vCD VM `<name> (<uuid>)`; the mock keys its VM resources by the vCD uuid. */
function vmResource(vm: Vm) {
  return { identifier: vm.uuid, resourceKey: { name: `${vm.name} (${vm.uuid})`, adapterKindKey: 'VMWARE', resourceKindKey: 'VirtualMachine' } };
}

function groupJson(g: VropsGroup) {
  return {
    id: g.id,
    resourceKey: { name: g.name, adapterKindKey: 'Container', resourceKindKey: 'Environment' },
    autoResolveMembership: false,
    membershipDefinition: { includedResources: [...g.members], excludedResources: [], 'custom-group-properties': [], rules: [] },
  };
}

const page = (n: number) => ({ totalCount: n, page: 0, pageSize: 1000 });

function uuidsOf(body: unknown): string[] | undefined {
  const uuids = (body as { uuids?: unknown } | undefined)?.uuids;
  return Array.isArray(uuids) && uuids.every((u) => typeof u === 'string') ? (uuids as string[]) : undefined;
}

/** Tokens: acquire with the mock's users; every other call needs `Authorization: vRealizeOpsToken <token>` (or OpsToken). */
function authRoutes(router: Router, deps: Deps) {
  const tokens = new Map<string, number>();
  const now = deps.now ?? Date.now;
  router.post('/suite-api/api/auth/token/acquire', (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string' || deps.vrops.users[username] !== password) {
      return void error(res, 401, 'Authentication failed');
    }
    const token = `${randomUUID()}::${randomUUID()}`;
    const expires = now() + TOKEN_VALIDITY_MS;
    tokens.set(token, expires);
    res.json({ token, validity: expires, expiresAt: new Date(expires).toUTCString(), roles: ['Administrator'] });
  });
  router.use('/suite-api/api', (req: Request, res: Response, next: NextFunction) => {
    const match = /^(?:vRealizeOpsToken|OpsToken) (.+)$/.exec(req.get('authorization') ?? '');
    const expires = match ? tokens.get(match[1]) : undefined;
    if (!match || expires === undefined || expires < now()) return void res.status(401).json(TOKEN_INVALID);
    tokens.set(match[1], now() + TOKEN_VALIDITY_MS);
    next();
  });
}

function groupRoutes(router: Router, { infra, vrops }: Deps) {
  const groupOf = (id: string) => [...vrops.groups.values()].find((g) => g.id === id);
  router.get('/suite-api/api/resources', (req, res) => {
    const name = typeof req.query.name === 'string' ? req.query.name.toLowerCase() : undefined;
    const kind = req.query.resourceKind;
    const vms = kind === undefined || kind === 'VirtualMachine' ? infra.inventory.vapps.flatMap((a) => a.vms).map(vmResource) : [];
    const list = vms.filter((r) => name === undefined || r.resourceKey.name.toLowerCase().includes(name));
    res.json({ pageInfo: page(list.length), resourceList: list });
  });
  router.get('/suite-api/api/resources/groups', (_req, res) => {
    const groups = [...vrops.groups.values()].filter((g) => g.orgId === null).map(groupJson);
    res.json({ pageInfo: page(groups.length), groups });
  });
  router.post('/suite-api/api/resources/groups', (req, res) => {
    const body = (req.body ?? {}) as { resourceKey?: { name?: unknown }; membershipDefinition?: { includedResources?: unknown } };
    const name = body.resourceKey?.name;
    if (typeof name !== 'string' || !name.trim()) return void error(res, 400, 'resourceKey.name is required');
    if (vrops.groups.has(vrops.groupKey(null, name))) return void error(res, 409, `A custom group named ${name} already exists`);
    const included = uuidsOf({ uuids: body.membershipDefinition?.includedResources ?? [] });
    if (!included || included.some((u) => !findVm(infra.inventory, u))) return void error(res, 400, 'membershipDefinition.includedResources names a resource that does not exist');
    const group = vrops.upsertGroup({ orgId: null, name: name.trim(), members: included, thresholds: {}, waitCycles: 1, cancelCycles: 1 });
    res.status(201).json(groupJson(group));
  });
  router.get('/suite-api/api/resources/groups/:id', (req, res) => {
    const group = groupOf(req.params.id);
    if (!group) return void error(res, 404, `No custom group ${req.params.id}`);
    res.json(groupJson(group));
  });
  router.get('/suite-api/api/resources/groups/:id/members', (req, res) => {
    const group = groupOf(req.params.id);
    if (!group) return void error(res, 404, `No custom group ${req.params.id}`);
    const members = group.members.map((u) => findVm(infra.inventory, u)).flatMap((f) => (f ? [vmResource(f.vm)] : []));
    res.json({ pageInfo: page(members.length), resourceList: members });
  });
  relationshipRoutes(router, { infra, vrops }, groupOf);
}

/** POST adds children (valid ones; 404 when none is), PUT replaces them (204 both) [suite-api "Add/Set Relationship"]. */
function relationshipRoutes(router: Router, { infra }: Deps, groupOf: (id: string) => VropsGroup | undefined) {
  const change = (replace: boolean) => (req: Request, res: Response) => {
    const group = groupOf(String(req.params.id));
    if (!group) return void error(res, 404, `No resource ${req.params.id}`);
    if (req.params.relationshipType !== 'children') return void error(res, 400, 'relationshipType: the mock supports children only');
    const uuids = uuidsOf(req.body);
    if (!uuids) return void error(res, 400, 'uuids must be an array of resource ids');
    const valid = uuids.filter((u) => findVm(infra.inventory, u));
    if (uuids.length > 0 && valid.length === 0) return void error(res, 404, 'All of the resources in uuids are invalid or do not exist');
    group.members = replace ? [...new Set(valid)] : [...new Set([...group.members, ...valid])];
    res.status(204).end();
  };
  router.post('/suite-api/api/resources/:id/relationships/:relationshipType', change(false));
  router.put('/suite-api/api/resources/:id/relationships/:relationshipType', change(true));
}

export function suiteApiRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/suite-api', express.json({ limit: '100kb' }));
  authRoutes(router, deps);
  groupRoutes(router, deps);
  return router;
}
