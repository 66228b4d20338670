import express, { Router } from 'express';
import { badRequest, notFound } from '../http/vcd-errors';
import { requireProvider, requireSession } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import { usageOf } from './metrics';
import { findVapp, poolUrn, vappUrn, vmUrn } from './model';
import { isHttpUrl } from './notifications';
import type { Infra } from './service';
import { TASK_KINDS, type TaskKind } from './tasks';

const KINDS = [...TASK_KINDS, 'any'] as const;
const uuidOf = (id: string) => id.slice(id.lastIndexOf(':') + 1);

function parseKindNumbers(value: unknown, field: string, max: number): Partial<Record<TaskKind | 'any', number>> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be an object of task kind → number.`);
  const out: Partial<Record<TaskKind | 'any', number>> = {};
  for (const [kind, n] of Object.entries(value)) {
    if (!(KINDS as readonly string[]).includes(kind)) throw badRequest(`${field}.${kind}: unknown task kind; use ${KINDS.join(', ')}.`);
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > max) throw badRequest(`${field}.${kind} must be an integer 0–${max}.`);
    out[kind as TaskKind | 'any'] = n as number;
  }
  return out;
}

/**
 * The mock-only admin API under `/mock/admin` (provider session required): read the infrastructure's state, set a
 * vApp's load, inject task faults and delays, configure vCD notification webhook targets. See docs/architecture.md.
 */
export function infraAdminRoutes(deps: { sessions: SessionStore; infra: Infra }): Router {
  const router = Router();
  const { infra } = deps;
  router.use('/mock/admin', requireSession(deps.sessions), requireProvider, express.json({ limit: '100kb' }));

  router.get('/mock/admin/infra', (_req, res) => {
    const inv = infra.inventory;
    res.json({
      vapps: inv.vapps.map((vapp) => ({
        id: vappUrn(vapp.uuid),
        name: vapp.name,
        orgId: vapp.orgId,
        load: vapp.load,
        vms: vapp.vms.map((vm) => ({ id: vmUrn(vm.uuid), name: vm.name, power: vm.power, ipAddress: vm.ipAddress, usage: usageOf(inv, vapp, vm) })),
      })),
      pools: inv.edges.flatMap((e) => e.pools.map((p) => ({ id: poolUrn(p.uuid), name: p.name, edge: e.name, orgId: e.orgId, members: p.members }))),
      faults: infra.tasks.faults,
      notificationTargets: infra.notifier.targets,
    });
  });

  router.put('/mock/admin/vapps/:id/load', (req, res) => {
    const vapp = findVapp(infra.inventory, uuidOf(req.params.id));
    if (!vapp) throw notFound(`vApp ${req.params.id} not found.`);
    const load = req.body?.load;
    if (typeof load !== 'number' || !Number.isFinite(load) || load < 0 || load > 100_000) {
      throw badRequest('load must be a number 0–100000 (percent of one VM, shared by the serving VMs).');
    }
    vapp.load = load;
    res.json({ id: vappUrn(vapp.uuid), load });
  });

  router.put('/mock/admin/faults', (req, res) => {
    const failNext = parseKindNumbers(req.body?.failNext, 'failNext', 1000);
    const delayMs = parseKindNumbers(req.body?.delayMs, 'delayMs', 600_000);
    Object.assign(infra.tasks.faults.failNext, failNext);
    Object.assign(infra.tasks.faults.delayMs, delayMs);
    res.json(infra.tasks.faults);
  });
  router.delete('/mock/admin/faults', (_req, res) => {
    infra.tasks.faults.failNext = {};
    infra.tasks.faults.delayMs = {};
    res.status(204).end();
  });

  router.put('/mock/admin/notification-targets', (req, res) => {
    const targets = req.body?.targets;
    if (!Array.isArray(targets)) throw badRequest('targets must be an array of http(s) URLs.');
    targets.forEach((t, i) => {
      if (!isHttpUrl(t)) throw badRequest(`targets[${i}] must be an http(s) URL.`);
    });
    infra.notifier.targets.splice(0, infra.notifier.targets.length, ...(targets as string[]));
    res.json({ targets: infra.notifier.targets });
  });
  router.get('/mock/admin/notifications', (_req, res) => {
    res.json({ notifications: infra.notifier.sent });
  });
  return router;
}
