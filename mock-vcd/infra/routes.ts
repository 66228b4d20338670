import express, { type Request, type Response, Router } from 'express';
import { auditTrailRoutes } from './audit-trail';
import { requireApiVersion } from '../http/api-version';
import { badRequest, forbidden } from '../http/vcd-errors';
import { isProvider, requireSession, sessionOf } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import { currentMetrics, usageOf } from './metrics';
import { type VApp, type Vm, findTemplate, findVapp, findVm } from './model';
import { queryRecords } from './query';
import type { Infra } from './service';
import type { Task } from './tasks';
import { baseUrlOf, taskJson, templateJson, vappJson, vdcJson, vmJson } from './wire';

/** vCD's `Accept: application/*+json` bodies carry vendor media types; accept any JSON-ish Content-Type. */
export const vcdJsonBody = express.json({ type: (req) => /json/i.test(String(req.headers['content-type'] ?? '')), limit: '1mb' });

/** vCD answers 403 for an entity the caller may not see, whether or not it exists, so ids leak nothing. */
const noAccess = () => forbidden('Either you need some or all of the rights to perform this operation or the target entity is invalid.');

export function canSee(res: Response, orgId: string): boolean {
  const session = sessionOf(res);
  return isProvider(session) || session.org.id === orgId;
}

function send(req: Request, res: Response, body: unknown, status = 200, kind?: string): void {
  const version = res.locals.apiVersion as string;
  res.status(status).type(`application/vnd.vmware.vcloud.${kind ?? 'entity'}+json;version=${version}`).send(JSON.stringify(body));
}

function sendTask(req: Request, res: Response, task: Task): void {
  const body = taskJson(baseUrlOf(req), task);
  res.set('Location', body.href);
  send(req, res, body, 202, 'task');
}

type Deps = { sessions: SessionStore; infra: Infra };
type Inventory = Infra['inventory'];

function vappOf(inv: Inventory, res: Response, uuid: string): VApp {
  const vapp = findVapp(inv, uuid);
  if (!vapp || !canSee(res, vapp.orgId)) throw noAccess();
  return vapp;
}

function vmOf(inv: Inventory, res: Response, uuid: string): { vapp: VApp; vm: Vm } {
  const found = findVm(inv, uuid);
  if (!found || !canSee(res, found.vapp.orgId)) throw noAccess();
  return found;
}

/** Reads: a vApp, a VM, a template, a VDC, a task, and the query service. */
function entityRoutes(router: Router, deps: Deps): void {
  const inv = deps.infra.inventory;
  router.get('/api/vApp/vapp-:id', (req, res) => send(req, res, vappJson(baseUrlOf(req), vappOf(inv, res, req.params.id)), 200, 'vApp'));
  router.get('/api/vApp/vm-:id', (req, res) => {
    const { vapp, vm } = vmOf(inv, res, req.params.id);
    send(req, res, vmJson(baseUrlOf(req), vapp, vm), 200, 'vm');
  });
  router.get('/api/vAppTemplate/vappTemplate-:id', (req, res) => {
    const t = findTemplate(inv, req.params.id);
    if (!t || t.uuid !== req.params.id || !canSee(res, t.orgId)) throw noAccess();
    send(req, res, templateJson(baseUrlOf(req), t), 200, 'vAppTemplate');
  });
  router.get('/api/vdc/:id', (req, res) => {
    const vdc = inv.vdcs.find((d) => d.uuid === req.params.id);
    if (!vdc || !canSee(res, vdc.orgId)) throw noAccess();
    send(req, res, vdcJson(baseUrlOf(req), vdc), 200, 'vdc');
  });
  router.get('/api/task/:id', (req, res) => {
    const task = deps.infra.tasks.get(req.params.id);
    if (!task || !canSee(res, task.org.id)) throw noAccess();
    send(req, res, taskJson(baseUrlOf(req), task), 200, 'task');
  });
  router.get('/api/query', (req, res) => {
    const body = queryRecords({ base: baseUrlOf(req), inv, visible: (orgId) => canSee(res, orgId), query: req.query as Record<string, unknown>, orgName: (orgId) => deps.infra.orgName(orgId) });
    send(req, res, body, 200, 'query.records');
  });
}

type HistoricSpec = { fromTime?: string; toTime?: string; metricPattern?: string[] };

/** A VM's historic usage body: the series the spec's patterns name, over its window (the last day by default). */
function historicMetrics(infra: Infra, vm: Vm, spec: HistoricSpec) {
  const now = Date.now();
  const from = spec.fromTime ? Date.parse(spec.fromTime) : now - 86_400_000;
  const to = spec.toTime ? Date.parse(spec.toTime) : now;
  if (Number.isNaN(from)) throw badRequest('fromTime is not an ISO 8601 date-time.');
  if (Number.isNaN(to)) throw badRequest('toTime is not an ISO 8601 date-time.');
  const samples = infra.history.window(vm.uuid, from, to);
  const series = [
    { name: 'cpu.usage.average', unit: 'PERCENT', pick: (s: { cpu: number }) => s.cpu },
    { name: 'mem.usage.average', unit: 'PERCENT', pick: (s: { mem: number }) => s.mem },
  ].filter((m) => !spec.metricPattern?.length || spec.metricPattern.some((p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(m.name)));
  return {
    otherAttributes: {},
    metricSeries: series.map((m) => ({
      name: m.name,
      unit: m.unit,
      expectedInterval: 20,
      sample: samples.map((s) => ({ timestamp: new Date(s.timestamp).toISOString(), value: String(m.pick(s)) })),
    })),
  };
}

function metricRoutes(router: Router, deps: Deps): void {
  const inv = deps.infra.inventory;
  router.get('/api/vApp/vm-:id/metrics/current', (req, res) => {
    const { vapp, vm } = vmOf(inv, res, req.params.id);
    const base = baseUrlOf(req);
    send(req, res, { otherAttributes: {}, link: [{ rel: 'up', href: `${base}/api/vApp/vm-${vm.uuid}`, type: 'application/vnd.vmware.vcloud.vm+json' }], metric: currentMetrics(vm, usageOf(inv, vapp, vm)) }, 200, 'metrics.currentUsageSpec');
  });
  router.post('/api/vApp/vm-:id/metrics/historic', vcdJsonBody, (req, res) => {
    const { vm } = vmOf(inv, res, req.params.id);
    send(req, res, historicMetrics(deps.infra, vm, (req.body ?? {}) as HistoricSpec), 200, 'metrics.historicUsageSpec');
  });
}

/** Changes, each answered with a task: recompose a vApp with one VM, power a VM on or off, delete it. */
function actionRoutes(router: Router, deps: Deps): void {
  const inv = deps.infra.inventory;
  router.post('/api/vApp/vapp-:id/action/recomposeVApp', vcdJsonBody, (req, res) => {
    const vapp = vappOf(inv, res, req.params.id);
    const items = (req.body?.sourcedItem ?? []) as { source?: { href?: string }; vmGeneralParams?: { name?: string } }[];
    if (!Array.isArray(items) || items.length !== 1) throw badRequest('sourcedItem: this mock composes exactly one VM per recompose.');
    const href = items[0]?.source?.href ?? '';
    const id = /\/api\/vAppTemplate\/(?:vappTemplate|vm)-([0-9a-f-]{36})$/i.exec(href)?.[1];
    if (!id) throw badRequest('sourcedItem.source.href must be a vAppTemplate or template VM href.');
    const template = findTemplate(inv, id);
    if (!template || !canSee(res, template.orgId) || template.orgId !== vapp.orgId) throw noAccess();
    const name = items[0]?.vmGeneralParams?.name;
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(name))) {
      throw badRequest('sourcedItem.vmGeneralParams.name must be 1–63 letters, digits or hyphens.');
    }
    sendTask(req, res, deps.infra.recompose(sessionOf(res), vapp, template, name));
  });
  router.post('/api/vApp/vm-:id/power/action/:action', (req, res) => {
    const { vapp, vm } = vmOf(inv, res, req.params.id);
    const action = req.params.action;
    if (action === 'powerOn') return sendTask(req, res, deps.infra.powerOn(sessionOf(res), vapp, vm));
    if (action === 'powerOff') return sendTask(req, res, deps.infra.powerOff(sessionOf(res), vapp, vm));
    throw badRequest(`Unsupported power action "${action}"; use powerOn or powerOff.`);
  });
  router.delete('/api/vApp/vm-:id', (req, res) => {
    const { vapp, vm } = vmOf(inv, res, req.params.id);
    sendTask(req, res, deps.infra.deleteVm(sessionOf(res), vapp, vm));
  });
}

/** The legacy `/api` surface: vApps, VMs, templates, tasks, metrics and the query service. */
export function infraRoutes(deps: Deps): Router {
  const router = Router();
  router.use(['/api/vApp', '/api/vAppTemplate', '/api/task', '/api/query', '/api/vdc'], requireApiVersion, requireSession(deps.sessions));
  router.use(auditTrailRoutes({ sessions: deps.sessions, notifier: deps.infra.notifier }));
  entityRoutes(router, deps);
  metricRoutes(router, deps);
  actionRoutes(router, deps);
  return router;
}
