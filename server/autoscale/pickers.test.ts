import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const ACME = DEMO_INFRA_IDS.acme;
const GLOBEX = DEMO_INFRA_IDS.globex;
const CATALOG = '/api/org/acme/autoscale/catalog';

// The pickers read vCD only (no rows of their own), so one store is enough here.
describe('autoscale wizard pickers', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness('pglite');
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = api(() => h.backend.url, await h.login('provider'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists the org's own vApps with their VM count, as ids a rule accepts", async () => {
    const res = await acme.get(`${CATALOG}/vapps`);
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).items).toEqual([{ id: `urn:vcloud:vapp:${ACME.vapp}`, name: 'web', status: 'POWERED_ON', vmCount: 2, vdcName: 'acme-vdc' }]);
    const theirs = (await jsonOf(await globex.get('/api/org/globex/autoscale/catalog/vapps'))).items;
    expect(theirs).toEqual([expect.objectContaining({ id: `urn:vcloud:vapp:${GLOBEX.vapp}`, vmCount: 1 })]);
  });

  it("lists the org's templates with how many VMs each holds", async () => {
    const items = (await jsonOf(await acme.get(`${CATALOG}/templates`))).items;
    expect(items).toEqual([expect.objectContaining({ id: `urn:vcloud:vapptemplate:${ACME.template}`, name: 'web-template', vmCount: 1 })]);
  });

  it("lists the org's edge gateways and a gateway's load-balancer pools", async () => {
    const edges = (await jsonOf(await acme.get(`${CATALOG}/edge-gateways`))).items;
    expect(edges).toEqual([{ id: `urn:vcloud:gateway:${ACME.edge}`, name: 'acme-edge', vdcName: 'acme-vdc' }]);
    const pools = await acme.get(`${CATALOG}/edge-gateways/${encodeURIComponent(edges[0].id)}/pools`);
    expect(pools.status).toBe(200);
    expect((await jsonOf(pools)).items).toEqual([{ id: `urn:vcloud:loadBalancerPool:${ACME.pool}`, name: 'web-pool', memberCount: 2, enabled: true }]);
  });

  it("gives a provider acting in an org only that org's objects", async () => {
    const vapps = (await jsonOf(await provider.get('/api/org/globex/autoscale/catalog/vapps'))).items;
    expect(vapps.map((v: { id: string }) => v.id)).toEqual([`urn:vcloud:vapp:${GLOBEX.vapp}`]);
    const templates = (await jsonOf(await provider.get('/api/org/globex/autoscale/catalog/templates'))).items;
    expect(templates.map((t: { id: string }) => t.id)).toEqual([`urn:vcloud:vapptemplate:${GLOBEX.template}`]);
    const edges = (await jsonOf(await provider.get('/api/org/globex/autoscale/catalog/edge-gateways'))).items;
    expect(edges.map((e: { name: string }) => e.name)).toEqual(['globex-edge']);
    const foreignPools = await provider.get(`/api/org/globex/autoscale/catalog/edge-gateways/urn:vcloud:gateway:${ACME.edge}/pools`);
    expect(foreignPools.status).toBe(404);
  });

  it("refuses another org's catalog with 403 and another org's gateway with 404", async () => {
    const res = await acme.get('/api/org/globex/autoscale/catalog/vapps');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const pools = await acme.get(`${CATALOG}/edge-gateways/urn:vcloud:gateway:${GLOBEX.edge}/pools`);
    expect(pools.status).toBe(404);
    expect((await problemOf(pools)).status).toBe(404);
  });

  it.each([
    ['a path-like id', encodeURIComponent('../../api/vApp')],
    ['a name instead of an id', 'acme-edge'],
    ['a URN of the wrong shape', 'urn:vcloud:gateway:1234'],
  ])('answers %s for a gateway with 400 naming the id', async (_what, id) => {
    const res = await acme.get(`${CATALOG}/edge-gateways/${id}/pools`);
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['id']);
  });

  it('documents the pickers and the metrics route in the OpenAPI document', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/org/{org}/autoscale/catalog/vapps',
        '/api/org/{org}/autoscale/catalog/templates',
        '/api/org/{org}/autoscale/catalog/edge-gateways',
        '/api/org/{org}/autoscale/catalog/edge-gateways/{id}/pools',
        '/api/org/{org}/autoscale/rules/{id}/metrics',
      ]),
    );
  });

  it('needs a session: no token is 401', async () => {
    const res = await fetch(`${h.backend.url}${CATALOG}/vapps`);
    expect(res.status).toBe(401);
  });

  it("serves a rule's recent CPU and memory from vCD's historic VM metrics", async () => {
    const created = await acme.post('/api/org/acme/autoscale/rules', ruleFor(ACME, {
      name: 'charted',
      scaleOut: { cpuPercent: 70, memoryPercent: 80 },
      scaleIn: { cpuPercent: 20, memoryPercent: 30 },
    }));
    const rule = await jsonOf(created);
    const res = await acme.get(`/api/org/acme/autoscale/rules/${rule.id}/metrics?minutes=30`);
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.vms).toBe(2);
    // Two VMs sharing the default load of 60 → 2 + 60/2 = 32 % CPU, 25 + 0.4·30 = 37 % memory: the mock's sample taken
    // at start, then the current reading.
    expect(body.items.length).toBeGreaterThanOrEqual(2);
    for (const sample of body.items) expect(sample).toMatchObject({ cpuPercent: 32, memoryPercent: 37 });
    expect(body.items.map((s: { at: number }) => s.at)).toEqual([...body.items.map((s: { at: number }) => s.at)].sort((a, b) => a - b));
    expect((await acme.get(`/api/org/acme/autoscale/rules/${rule.id}/metrics?minutes=0`)).status).toBe(400);
    expect((await globex.get(`/api/org/globex/autoscale/rules/${rule.id}/metrics`)).status).toBe(404);
  });

  it('lists rules with their latest decision', async () => {
    const rules = (await jsonOf(await acme.get('/api/org/acme/autoscale/rules'))).items;
    expect(rules[0].lastDecision).toBeNull();
    await acme.post('/api/org/acme/autoscale/alerts', { alertId: 'x-1', status: 'ACTIVE', resourceName: 'charted' });
    const after = (await jsonOf(await acme.get('/api/org/acme/autoscale/rules'))).items;
    expect(after[0].lastDecision).toMatchObject({ action: 'none', reason: 'in-band', current: 2 });
  });
});
