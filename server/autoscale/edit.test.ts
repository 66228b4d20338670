import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, openTestDb, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const ACME = DEMO_INFRA_IDS.acme;
const BASE = '/api/org/acme/autoscale';
const RULES = `${BASE}/rules`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DEFAULTS = { minVms: 1, maxVms: 5, step: 1, cooldownSeconds: 120, stabilizationSeconds: 300, evaluationSeconds: 60, enabled: true };

describe.each(STORES)('editing an autoscale rule on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = api(() => h.backend.url, await h.login('provider'));
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(RULES))).items as { id: string }[]) await acme.delete(`${RULES}/${r.id}`);
  });

  const historyOf = async (id: string) => jsonOf(await acme.get(`${RULES}/${id}/history`));

  it('saves the whole rule the wizard sends and journals who changed which field from what to what', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'edited' })));
    const { id: _id, createdAt: _c, updatedAt: _u, ...spec } = rule;
    const res = await acme.put(`${RULES}/${rule.id}`, { ...spec, name: 'edited-2', maxVms: 3, scaleOut: { cpuPercent: 75, memoryPercent: 80 } });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ name: 'edited-2', maxVms: 3, scaleOut: { cpuPercent: 75, memoryPercent: 80 } });

    const history = await historyOf(rule.id);
    expect(history.total).toBe(2);
    const [update, create] = history.items;
    expect(update).toMatchObject({ action: 'update', user: 'admin', userOrg: 'acme', ruleId: rule.id });
    expect(update.changes).toEqual([
      { field: 'name', before: 'edited', after: 'edited-2' },
      { field: 'scaleOut.cpuPercent', before: 70, after: 75 },
      { field: 'maxVms', before: 5, after: 3 },
    ]);
    expect(create).toMatchObject({ action: 'create', user: 'admin', userOrg: 'acme' });
    expect(create.changes).toContainEqual({ field: 'name', before: null, after: 'edited' });

    // The same body again changes nothing and journals nothing.
    expect((await acme.put(`${RULES}/${rule.id}`, { maxVms: 3 })).status).toBe(200);
    expect((await historyOf(rule.id)).total).toBe(2);
  });

  it('journals a provider acting for the org as the provider, and keeps the journal to the org', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'watched' })));
    expect((await provider.put(`${RULES}/${rule.id}`, { enabled: false })).status).toBe(200);
    expect((await historyOf(rule.id)).items[0]).toMatchObject({ user: 'administrator', userOrg: 'System', changes: [{ field: 'enabled', before: true, after: false }] });
    expect((await globex.get(`/api/org/globex/autoscale/rules/${rule.id}/history`)).status).toBe(404);
    expect((await globex.put(`/api/org/globex/autoscale/rules/${rule.id}`, { maxVms: 2 })).status).toBe(404);
    expect((await globex.get(`${RULES}/${rule.id}/history`)).status).toBe(403);
    expect((await acme.get(`${RULES}/no-such-rule/history`)).status).toBe(404);
    expect((await historyOf(rule.id)).total).toBe(2);
  });

  it('checks the whole edited rule in vCD as create does, yet lets a rule whose vCD objects vanished be switched off', async () => {
    // A rule whose template was deleted in vCD since: arranged in the store directly.
    await h.backend.close();
    const db = await openTestDb(h.store);
    const stale = { ...ruleFor(ACME, { name: 'stale', templateId: 'urn:vcloud:vapptemplate:00000000-0000-4000-8000-0000000000bb' }), ...DEFAULTS };
    await db.query(`INSERT INTO autoscale_rules (id, org, name, spec, enabled) VALUES ('stale-1', 'acme', 'stale', $1, true)`, [JSON.stringify(stale)]);
    await db.query(`INSERT INTO autoscale_state (rule_id, org) VALUES ('stale-1', 'acme')`);
    await db.close();
    await h.restart();

    // Only maxVms changes, yet the template it still names is checked: 400 naming templateId, nothing saved.
    const res = await acme.put(`${RULES}/stale-1`, { maxVms: 3 });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors).toEqual([{ path: 'templateId', message: 'no such vApp template in this org' }]);
    expect((await jsonOf(await acme.get(`${RULES}/stale-1`))).maxVms).toBe(5);

    expect((await acme.put(`${RULES}/stale-1`, { enabled: false })).status).toBe(200);
    const enable = await acme.put(`${RULES}/stale-1`, { enabled: true });
    expect(enable.status).toBe(400);
    expect((await problemOf(enable)).errors?.map((e) => e.path)).toEqual(['templateId']);
    const fixed = await acme.put(`${RULES}/stale-1`, { enabled: true, templateId: `urn:vcloud:vapptemplate:${ACME.template}` });
    expect(fixed.status).toBe(200);
    expect((await historyOf('stale-1')).items.map((c: { changes: { field: string }[] }) => c.changes.map((x) => x.field))).toEqual([['templateId', 'enabled'], ['enabled']]);
  });

  it('rejects an edit that breaks a cross-field rule, naming the field, and journals nothing', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'crossed' })));
    const res = await acme.put(`${RULES}/${rule.id}`, { scaleIn: { cpuPercent: 90, memoryPercent: 30 } });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['scaleIn.cpuPercent']);
    expect((await historyOf(rule.id)).total).toBe(1);
  });

  // Last: it adds a VM to the demo vApp.
  it('keeps the cooldown of a rule that was edited, and the edit decides from the next evaluation on', async () => {
    const rule = await jsonOf(
      await acme.post(RULES, ruleFor(ACME, { name: 'cool', scaleOut: { cpuPercent: 10, memoryPercent: 90 }, scaleIn: { cpuPercent: 5, memoryPercent: 10 }, cooldownSeconds: 3600 })),
    );
    const alert = (id: string) => acme.post(`${BASE}/alerts`, { alertId: id, status: 'ACTIVE', resourceName: 'cool' }).then(jsonOf);
    // 2 VMs at 32 % CPU against 10 %: scale out to 3, and wait until the VM serves.
    expect((await alert('c-1')).rules[0].decision).toMatchObject({ action: 'scaleOut', current: 2, desired: 3 });
    for (let i = 0; i < 400; i++) {
      const events = (await jsonOf(await acme.get(`${RULES}/${rule.id}/events?limit=500`))).items as { kind: string }[];
      if (events.some((e) => e.kind === 'result' || e.kind === 'error')) break;
      await sleep(25);
    }

    expect((await acme.put(`${RULES}/${rule.id}`, { maxVms: 4, stabilizationSeconds: 60 })).status).toBe(200);
    // 3 VMs at 22 % still want a 4th, but the action an hour's cooldown ago still counts after the edit.
    expect((await alert('c-2')).rules[0].decision).toMatchObject({ action: 'none', reason: 'cooldown', current: 3 });

    expect((await acme.put(`${RULES}/${rule.id}`, { scaleOut: { cpuPercent: 50, memoryPercent: 90 } })).status).toBe(200);
    expect((await alert('c-3')).rules[0].decision).toMatchObject({ action: 'none', reason: 'in-band', current: 3 });
  });
});
