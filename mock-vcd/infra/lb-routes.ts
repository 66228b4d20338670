import { type Response, Router } from 'express';
import { isIP } from 'node:net';
import { requireApiVersion } from '../http/api-version';
import { paged } from '../http/paged';
import { badRequest, notFound } from '../http/vcd-errors';
import { requireSession, sessionOf } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import type { Directory } from '../orgs/directory';
import { type PoolMember, findPool } from './model';
import { canSee, vcdJsonBody } from './routes';
import type { Infra } from './service';
import { baseUrlOf, edgeGatewayJson, poolJson, poolSummaryJson } from './wire';

const uuidOf = (id: string) => id.slice(id.lastIndexOf(':') + 1);

/** Validates cloudapi's pool member list: IPv4 address, port 1–65535, ratio 1–20, no duplicate address:port. */
export function parseMembers(value: unknown, defaultPort: number): PoolMember[] {
  if (!Array.isArray(value)) throw badRequest('members must be an array.');
  const seen = new Set<string>();
  return value.map((raw, i) => {
    const m = (raw ?? {}) as Record<string, unknown>;
    if (typeof m.ipAddress !== 'string' || isIP(m.ipAddress) !== 4) throw badRequest(`members[${i}].ipAddress must be an IPv4 address.`);
    const port = m.port === undefined || m.port === null ? defaultPort : m.port;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw badRequest(`members[${i}].port must be 1–65535.`);
    const ratio = m.ratio === undefined || m.ratio === null ? 1 : m.ratio;
    if (!Number.isInteger(ratio) || (ratio as number) < 1 || (ratio as number) > 20) throw badRequest(`members[${i}].ratio must be 1–20.`);
    if (m.enabled !== undefined && typeof m.enabled !== 'boolean') throw badRequest(`members[${i}].enabled must be a boolean.`);
    const key = `${m.ipAddress}:${port}`;
    if (seen.has(key)) throw badRequest(`members[${i}]: ${key} is listed twice.`);
    seen.add(key);
    return { ipAddress: m.ipAddress, port: port as number, ratio: ratio as number, enabled: m.enabled !== false };
  });
}

/**
 * NSX-T edge gateways and their Advanced Load Balancer pools, as vCD's cloudapi serves them (chosen over NSX-V's
 * XML-only `/network/edges` proxy): list gateways, pool summaries per gateway, get a pool, and PUT the whole pool
 * (members included) which answers 202 with a Task in `Location`.
 */
export function loadBalancerRoutes(deps: { directory: Directory; sessions: SessionStore; infra: Infra }): Router {
  const router = Router();
  const inv = deps.infra.inventory;
  const guard = [requireApiVersion, requireSession(deps.sessions)];
  const json = (res: Response, body: unknown, status = 200) =>
    res.status(status).type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(body));
  const isUp = (orgId: string) => (ip: string) =>
    inv.vapps.some((v) => v.orgId === orgId && v.vms.some((vm) => vm.power === 'POWERED_ON' && vm.ipAddress === ip));
  const orgName = (orgId: string) => deps.directory.orgs.find((o) => o.id === orgId)?.name ?? '';
  const edgeOf = (res: Response, id: string) => {
    const edge = inv.edges.find((e) => e.uuid === uuidOf(id));
    if (!edge || !canSee(res, edge.orgId)) throw notFound(`Edge gateway ${id} not found.`);
    return edge;
  };
  const poolOf = (res: Response, id: string) => {
    const found = findPool(inv, uuidOf(id));
    if (!found || !canSee(res, found.edge.orgId)) throw notFound(`Load balancer pool ${id} not found.`);
    return found;
  };

  router.get('/cloudapi/1.0.0/edgeGateways', ...guard, (req, res) => {
    const edges = inv.edges.filter((e) => canSee(res, e.orgId)).map((e) => edgeGatewayJson(inv, e, orgName(e.orgId)));
    json(res, paged(edges, req.query));
  });
  router.get('/cloudapi/1.0.0/edgeGateways/:id', ...guard, (req, res) => {
    const edge = edgeOf(res, String(req.params.id));
    json(res, edgeGatewayJson(inv, edge, orgName(edge.orgId)));
  });
  router.get('/cloudapi/1.0.0/edgeGateways/:id/loadBalancer/poolSummaries', ...guard, (req, res) => {
    const edge = edgeOf(res, String(req.params.id));
    json(res, paged(edge.pools.map((p) => poolSummaryJson(edge, p, isUp(edge.orgId))), req.query));
  });
  router.get('/cloudapi/1.0.0/loadBalancer/pools/:id', ...guard, (req, res) => {
    const { edge, pool } = poolOf(res, String(req.params.id));
    json(res, poolJson(edge, pool, isUp(edge.orgId)));
  });
  router.put('/cloudapi/1.0.0/loadBalancer/pools/:id', ...guard, vcdJsonBody, (req, res) => {
    const { edge, pool } = poolOf(res, String(req.params.id));
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string' || !body.name.trim()) throw badRequest('name is required.');
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw badRequest('enabled must be a boolean.');
    const members = parseMembers(body.members ?? [], pool.defaultPort);
    const task = deps.infra.updatePool(sessionOf(res), edge, pool, {
      members,
      enabled: body.enabled !== false,
      name: body.name.trim(),
      description: typeof body.description === 'string' ? body.description : pool.description,
    });
    res.set('Location', `${baseUrlOf(req)}/api/task/${task.uuid}`).status(202).end();
  });
  return router;
}
