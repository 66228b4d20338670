import express, { type Request, type Response, Router } from 'express';
import { isIP } from 'node:net';
import { badRequest, forbidden, notFound } from '../http/vcd-errors';
import { findOrgByName, type Directory } from '../orgs/directory';
import { isProvider, requireProvider, requireSession, sessionOf } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import { findVm } from '../infra/model';
import { isHttpUrl } from '../infra/notifications';
import type { Infra } from '../infra/service';
import { THRESHOLD_KINDS, type ThresholdKind } from './alerts';
import { type VropsGroup, type VropsMock, groupMetrics } from './service';

const uuidOf = (id: string) => id.slice(id.lastIndexOf(':') + 1);

const groupJson = (g: VropsGroup) => ({ ...g, members: g.members.map((m) => `urn:vcloud:vm:${m}`) });

type Deps = { directory: Directory; sessions: SessionStore; infra: Infra; vrops: VropsMock };

/** A group's `thresholds` body: known kinds only, each a percentage; null or absent leaves a kind unset. */
function thresholdsOf(value: unknown): Partial<Record<ThresholdKind, number>> {
  const thresholdsIn = (value ?? {}) as Record<string, unknown>;
  if (typeof thresholdsIn !== 'object' || Array.isArray(thresholdsIn)) throw badRequest('thresholds must be an object.');
  const thresholds: Partial<Record<ThresholdKind, number>> = {};
  for (const [kind, v] of Object.entries(thresholdsIn)) {
    if (!(THRESHOLD_KINDS as string[]).includes(kind)) throw badRequest(`thresholds.${kind}: unknown; use ${THRESHOLD_KINDS.join(', ')}.`);
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' || v < 0 || v > 100) throw badRequest(`thresholds.${kind} must be a percentage 0–100.`);
    thresholds[kind as ThresholdKind] = v;
  }
  return thresholds;
}

function cyclesOf(body: Record<string, unknown>, field: 'waitCycles' | 'cancelCycles'): number {
  const v = body[field] ?? 1;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 100) throw badRequest(`${field} must be an integer 1–100.`);
  return v as number;
}

/** The org-scoped lookups every group route shares. */
function scopeOf(deps: Deps) {
  const { vrops } = deps;
  /** The org a call acts in: the tenant's own, or the provider's `?org=`. */
  const orgOf = (req: Request, res: Response): string => {
    const session = sessionOf(res);
    if (!isProvider(session)) return session.org.id;
    const org = typeof req.query.org === 'string' ? findOrgByName(deps.directory, req.query.org) : undefined;
    if (!org) throw badRequest('org: the provider names the tenant org with ?org=<name>.');
    return org.id;
  };
  const groupOf = (req: Request, res: Response): VropsGroup => {
    const group = vrops.groups.get(vrops.groupKey(orgOf(req, res), String(req.params.name)));
    if (!group) throw notFound(`Group ${req.params.name} not found.`);
    return group;
  };
  const membersOf = (orgId: string, value: unknown, field: string): string[] => {
    if (!Array.isArray(value)) throw badRequest(`${field} must be an array of VM ids.`);
    return value.map((v, i) => {
      const uuid = typeof v === 'string' ? uuidOf(v) : '';
      const found = findVm(deps.infra.inventory, uuid);
      if (!found || found.vapp.orgId !== orgId) throw badRequest(`${field}[${i}]: no VM ${String(v)} in this org.`);
      return uuid;
    });
  };
  const visibleGroups = (res: Response) => [...vrops.groups.values()].filter((g) => isProvider(sessionOf(res)) || g.orgId === sessionOf(res).org.id);
  return { orgOf, groupOf, membersOf, visibleGroups };
}

/** Groups, their members and their alerts: a tenant's own org, the provider's any. */
function groupRoutes(router: Router, deps: Deps): void {
  const { vrops } = deps;
  const { orgOf, groupOf, membersOf, visibleGroups } = scopeOf(deps);
  router.get('/mock/vrops/groups', (_req, res) => {
    res.json({ groups: visibleGroups(res).map(groupJson) });
  });
  router.put('/mock/vrops/groups/:name', (req, res) => {
    const orgId = orgOf(req, res);
    const name = String(req.params.name);
    if (!/^[\w.-]{1,80}$/.test(name)) throw badRequest('name: 1–80 letters, digits, dot, dash or underscore.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const thresholds = thresholdsOf(body.thresholds);
    const group = vrops.upsertGroup({
      orgId,
      name,
      members: membersOf(orgId, body.members ?? [], 'members'),
      thresholds,
      waitCycles: cyclesOf(body, 'waitCycles'),
      cancelCycles: cyclesOf(body, 'cancelCycles'),
    });
    res.json(groupJson(group));
  });
  router.get('/mock/vrops/groups/:name', (req, res) => {
    const group = groupOf(req, res);
    res.json({ ...groupJson(group), metrics: groupMetrics(deps.infra, group) ?? null });
  });
  router.delete('/mock/vrops/groups/:name', (req, res) => {
    vrops.deleteGroup(groupOf(req, res));
    res.status(204).end();
  });
  router.get('/mock/vrops/alerts', (_req, res) => {
    const ids = new Set(visibleGroups(res).map((g) => g.id));
    res.json({ alerts: vrops.activeAlerts().filter((a) => ids.has(a.resourceId)) });
  });
}

/** The notification targets (REST and SNMP) and a manual evaluation: provider only. */
function targetRoutes(router: Router, vrops: VropsMock): void {
  router.get('/mock/vrops/targets', requireProvider, (_req, res) => {
    res.json({ rest: vrops.restTargets, snmp: vrops.snmpTargets, deliveries: vrops.deliveries });
  });
  router.put('/mock/vrops/targets', requireProvider, (req, res) => {
    const rest = req.body?.rest ?? [];
    const snmp = req.body?.snmp ?? [];
    if (!Array.isArray(rest)) throw badRequest('rest must be an array of {url}.');
    if (!Array.isArray(snmp)) throw badRequest('snmp must be an array of {host, port, community}.');
    rest.forEach((t: { url?: unknown }, i: number) => {
      if (!isHttpUrl(t?.url)) throw badRequest(`rest[${i}].url must be an http(s) URL.`);
    });
    snmp.forEach((t: { host?: unknown; port?: unknown; community?: unknown }, i: number) => {
      if (typeof t?.host !== 'string' || !isIP(t.host)) throw badRequest(`snmp[${i}].host must be an IP address.`);
      if (!Number.isInteger(t.port) || (t.port as number) < 1 || (t.port as number) > 65535) throw badRequest(`snmp[${i}].port must be 1–65535.`);
      if (t.community !== undefined && typeof t.community !== 'string') throw badRequest(`snmp[${i}].community must be a string.`);
    });
    vrops.restTargets.splice(0, vrops.restTargets.length, ...rest.map((t: { url: string }) => ({ url: t.url })));
    vrops.snmpTargets.splice(
      0,
      vrops.snmpTargets.length,
      ...snmp.map((t: { host: string; port: number; community?: string }) => ({ host: t.host, port: t.port, community: t.community ?? 'public' })),
    );
    res.json({ rest: vrops.restTargets, snmp: vrops.snmpTargets });
  });
  /** Runs one evaluation now and answers after its notifications went out (tests and demos need no wait). */
  router.post('/mock/vrops/evaluate', requireProvider, async (_req, res) => {
    await vrops.evaluate();
    res.json({ alerts: vrops.activeAlerts() });
  });
}

/**
 * The mock vROps's configuration API under `/mock/vrops` (a vCD session: tenants manage their own org's groups,
 * the provider any org's with `?org=<name>`; targets are provider-only). See docs/architecture.md.
 */
export function vropsRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/mock/vrops', requireSession(deps.sessions), express.json({ limit: '100kb' }));
  groupRoutes(router, deps);
  targetRoutes(router, deps.vrops);
  router.use('/mock/vrops', (_req, _res, next) => next(forbidden()));
  return router;
}
