import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const ACME = DEMO_INFRA_IDS.acme;
const GLOBEX = DEMO_INFRA_IDS.globex;
const RULES = '/api/org/acme/autoscale/rules';


describe.each(STORES)('autoscale rules on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
  });
  afterAll(async () => {
    await h?.close();
  });
  // One rule per vApp: each test starts with the demo vApp free.
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(RULES))).items as { id: string }[]) await acme.delete(`${RULES}/${r.id}`);
  });

  it('creates a rule with the documented defaults and lists, reads, updates and deletes it', async () => {
    const created = await acme.post(RULES, ruleFor(ACME, { name: 'crud' }));
    expect(created.status).toBe(201);
    const rule = await jsonOf(created);
    expect(rule).toMatchObject({ name: 'crud', minVms: 1, maxVms: 5, step: 1, stabilizationSeconds: 300, enabled: true });
    expect(created.headers.get('location')).toBe(`${RULES}/${rule.id}`);

    const list = await jsonOf(await acme.get(RULES));
    expect(list.items.map((r: { name: string }) => r.name)).toContain('crud');

    const updated = await acme.put(`${RULES}/${rule.id}`, { maxVms: 3, enabled: false });
    expect(updated.status).toBe(200);
    expect(await jsonOf(updated)).toMatchObject({ maxVms: 3, enabled: false, minVms: 1 });
    expect((await jsonOf(await acme.get(`${RULES}/${rule.id}`))).maxVms).toBe(3);

    expect((await acme.delete(`${RULES}/${rule.id}`)).status).toBe(204);
    expect((await acme.get(`${RULES}/${rule.id}`)).status).toBe(404);
  });

  it.each([
    ['a threshold above 100', { scaleOut: { cpuPercent: 120, memoryPercent: 80 } }, 'scaleOut.cpuPercent'],
    ['a negative threshold', { scaleIn: { cpuPercent: -1, memoryPercent: 30 } }, 'scaleIn.cpuPercent'],
    ['a scale-in CPU threshold not below the scale-out one', { scaleIn: { cpuPercent: 70, memoryPercent: 30 } }, 'scaleIn.cpuPercent'],
    ['a scale-in memory threshold above the scale-out one', { scaleIn: { cpuPercent: 20, memoryPercent: 90 } }, 'scaleIn.memoryPercent'],
    ['a minimum above the maximum', { minVms: 4, maxVms: 2 }, 'minVms'],
    ['a missing pool name', { lbPoolName: undefined }, 'lbPoolName'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('rejects %s with 400 naming the field', async (_what, extra, field) => {
    const res = await acme.post(RULES, ruleFor(ACME, { name: 'bad', ...extra }));
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.errors?.map((e) => e.path)).toContain(field);
  });

  it('rejects references that do not exist in vCD, naming each field', async () => {
    const res = await acme.post(
      RULES,
      ruleFor(ACME, {
        name: 'ghost',
        vAppId: 'urn:vcloud:vapp:00000000-0000-4000-8000-000000000000',
        templateId: 'urn:vcloud:vapptemplate:00000000-0000-4000-8000-000000000001',
        lbPoolName: 'no-such-pool',
      }),
    );
    expect(res.status).toBe(400);
    const paths = (await problemOf(res)).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['vAppId', 'templateId', 'lbPoolName']));
  });

  it("rejects another org's vApp, template and edge gateway as if they did not exist", async () => {
    const res = await acme.post(RULES, ruleFor(GLOBEX, { name: 'foreign' }));
    expect(res.status).toBe(400);
    const paths = (await problemOf(res)).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['vAppId', 'templateId', 'edgeGatewayId']));
  });

  it('rejects a second rule with the same name with 409', async () => {
    expect((await acme.post(RULES, ruleFor(ACME, { name: 'twice' }))).status).toBe(201);
    const res = await acme.post(RULES, ruleFor(ACME, { name: 'twice' }));
    expect(res.status).toBe(409);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain('name');
  });

  it('rejects a second rule for a vApp that already has one with 409 naming vAppId, however the id is written', async () => {
    const first = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'first' })));
    for (const vAppId of [`urn:vcloud:vapp:${ACME.vapp}`, ACME.vapp, `vapp-${ACME.vapp.toUpperCase()}`]) {
      const res = await acme.post(RULES, ruleFor(ACME, { name: 'second', vAppId }));
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = await problemOf(res);
      expect(problem.errors?.map((e) => e.path)).toEqual(['vAppId']);
      expect(problem.errors?.[0].message).toContain('first');
    }
    expect((await jsonOf(await acme.get(RULES))).items.map((r: { name: string }) => r.name)).toEqual(['first']);
    // Once the first rule is gone the vApp is free again.
    expect((await acme.delete(`${RULES}/${first.id}`)).status).toBe(204);
    expect((await acme.post(RULES, ruleFor(ACME, { name: 'second' }))).status).toBe(201);
  });

  it('lets exactly one of two simultaneous creates for a vApp win; the other is 409 naming vAppId', async () => {
    const answers = await Promise.all(['racer-a', 'racer-b'].map((name) => acme.post(RULES, ruleFor(ACME, { name }))));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const lost = answers.find((r) => r.status === 409) as Response;
    expect((await problemOf(lost)).errors?.map((e) => e.path)).toEqual(['vAppId']);
    expect((await jsonOf(await acme.get(RULES))).total).toBe(1);
  });

  it('lets a rule keep its own vApp on update but not move onto a vApp another rule scales', async () => {
    const mine = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'mine' })));
    const kept = await acme.put(`${RULES}/${mine.id}`, { vAppId: ACME.vapp, maxVms: 3 });
    expect(kept.status).toBe(200);
    // A rule whose vApp was since deleted in vCD (the demo org has one vApp): arranged in the store directly.
    await h.backend.close();
    const db = await openTestDb(h.store);
    const orphanSpec = { ...ruleFor(ACME, { name: 'orphan', vAppId: 'urn:vcloud:vapp:00000000-0000-4000-8000-0000000000aa' }), minVms: 1, maxVms: 5, step: 1, cooldownSeconds: 120, stabilizationSeconds: 300, evaluationSeconds: 60, enabled: true };
    await db.query(`INSERT INTO autoscale_rules (id, org, name, spec, enabled) VALUES ('orphan-1', 'acme', 'orphan', $1, true)`, [JSON.stringify(orphanSpec)]);
    await db.close();
    await h.restart();
    const res = await acme.put(`${RULES}/orphan-1`, { vAppId: `urn:vcloud:vapp:${ACME.vapp}` });
    expect(res.status).toBe(409);
    expect((await problemOf(res)).errors).toEqual([{ path: 'vAppId', message: expect.stringContaining('mine') }]);
    expect((await jsonOf(await acme.get(`${RULES}/orphan-1`))).vAppId).toBe(orphanSpec.vAppId);
  });

  it('checks cross-field rules again on a partial update', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'partial' })));
    const res = await acme.put(`${RULES}/${rule.id}`, { minVms: 9 });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain('minVms');
  });

  it("never shows one tenant another tenant's rules or events", async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'private' })));
    expect((await globex.get(`/api/org/globex/autoscale/rules/${rule.id}`)).status).toBe(404);
    expect((await globex.get(`/api/org/globex/autoscale/rules/${rule.id}/events`)).status).toBe(404);
    expect((await globex.delete(`/api/org/globex/autoscale/rules/${rule.id}`)).status).toBe(404);
    expect((await globex.get(RULES)).status).toBe(403);
    const theirs = await jsonOf(await globex.get('/api/org/globex/autoscale/rules'));
    expect(theirs.items).toEqual([]);
  });

  it('answers a dry run with what the rule would do now and why, from the VMs current metrics', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'dry', minVms: 1, maxVms: 4 })));
    const res = await acme.post(`${RULES}/${rule.id}/dry-run`, {});
    expect(res.status).toBe(200);
    const dry = await jsonOf(res);
    // The demo vApp runs two VMs sharing the default load: between the thresholds.
    expect(dry.metrics.vms).toBe(2);
    expect(dry.decision).toMatchObject({ action: 'none', current: 2, reason: 'in-band' });
    expect((await jsonOf(await acme.get(`${RULES}/${rule.id}/events`))).items).toEqual([]);
  });

  it('turns a vROps alert for the rule into a journalled decision, and acknowledges alerts for nothing', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'hot', scaleOut: { cpuPercent: 20, memoryPercent: 80 }, scaleIn: { cpuPercent: 5, memoryPercent: 10 } })));
    const alert = {
      alertId: 'a-1',
      alertName: 'CPU above scale-out threshold',
      status: 'ACTIVE',
      criticality: 'ALERT_CRITICALITY_LEVEL_WARNING',
      resourceId: 'group-1',
      resourceName: 'hot',
      resourceKind: 'Environment',
      adapterKind: 'VMWARE',
      startDate: 1764064800000,
    };
    const res = await acme.post('/api/org/acme/autoscale/alerts', alert);
    expect(res.status).toBe(201);
    const receipt = await jsonOf(res);
    expect(receipt.rules).toHaveLength(1);
    // 2 VMs at ~32 % CPU against a 20 % target: ceil(2 × 32/20) = 4, capped by the step of 1 → 3.
    expect(receipt.rules[0].decision).toMatchObject({ action: 'scaleOut', current: 2, desired: 3, reason: 'above-scale-out' });

    const events = await jsonOf(await acme.get(`${RULES}/${rule.id}/events`));
    expect(events.items.map((e: { kind: string }) => e.kind).slice(-2)).toEqual(['decision', 'alert']);

    const canceled = await acme.put('/api/org/acme/autoscale/alerts/a-1', { ...alert, status: 'CANCELED' });
    expect(canceled.status).toBe(202);

    const stranger = await acme.post('/api/org/acme/autoscale/alerts', { ...alert, alertId: 'a-2', resourceName: 'nobody', resourceId: 'x' });
    expect(stranger.status).toBe(201);
    expect((await jsonOf(stranger)).rules).toEqual([]);
  });

  it('documents the autoscale routes in the OpenAPI document', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/org/{org}/autoscale/rules', '/api/org/{org}/autoscale/rules/{id}/dry-run', '/api/org/{org}/autoscale/alerts']));
  });

  it('rejects an alert without an id or status with 400 naming the field', async () => {
    const res = await acme.post('/api/org/acme/autoscale/alerts', { alertName: 'x' });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['alertId', 'status']));
  });
});
