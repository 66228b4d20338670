import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { until } from '../testing/until';

const ACME = DEMO_INFRA_IDS.acme;
const waitFor = (what: string, done: () => Promise<boolean>) => until(what, async () => ((await done()) ? true : undefined), { timeoutMs: 20_000 });
const BASE = '/api/org/acme/autoscale';
const GROUPS = `${BASE}/catalog/vrops-groups`;

describe.each(STORES)('autoscale rules keep their vROps custom group (%s)', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let vropsToken: string;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { autoscaleRetryBaseMs: 20 } });
    await h.restart({ vropsUrl: h.mock.url, vropsUser: 'admin', vropsPassword: 'vrops-demo' });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    const res = await fetch(`${h.mock.url}/suite-api/api/auth/token/acquire`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'vrops-demo' }),
    });
    vropsToken = (await jsonOf(res)).token;
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(`${BASE}/rules`))).items as { id: string }[]) await acme.delete(`${BASE}/rules/${r.id}`);
  });

  /** The group's members as vROps holds them (the mock keys VM resources by the vCD uuid). */
  const members = async (groupId: string): Promise<string[]> => {
    const res = await fetch(`${h.mock.url}/suite-api/api/resources/groups/${groupId}/members`, { headers: { Authorization: `vRealizeOpsToken ${vropsToken}` } });
    return ((await jsonOf(res)).resourceList as { identifier: string }[]).map((r) => r.identifier).sort();
  };
  const setMembers = (groupId: string, uuids: string[]) =>
    fetch(`${h.mock.url}/suite-api/api/resources/${groupId}/relationships/children`, {
      method: 'PUT',
      headers: { Authorization: `vRealizeOpsToken ${vropsToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ uuids }),
    });
  const alert = (groupId: string, id: string) => acme.post(`${BASE}/alerts`, { alertId: id, status: 'ACTIVE', resourceId: groupId, resourceName: 'group CPU' });
  const vAppVms = async (): Promise<number> => {
    const { items } = await jsonOf(await acme.get(`${BASE}/catalog/vapps`));
    return items.find((v: { id: string }) => v.id.endsWith(ACME.vapp)).vmCount;
  };

  it('lists and makes only the org own groups, and refuses a taken name or a bad one naming the field', async () => {
    const created = await acme.post(GROUPS, { name: `own-${kind}` });
    expect(created.status).toBe(201);
    const group = await jsonOf(created);
    expect(group).toMatchObject({ name: `own-${kind}`, members: 0 });
    const list = await jsonOf(await acme.get(GROUPS));
    expect(list.configured).toBe(true);
    expect(list.items.map((g: { id: string }) => g.id)).toContain(group.id);
    expect((await jsonOf(await globex.get('/api/org/globex/autoscale/catalog/vrops-groups'))).items).toEqual([]);

    const taken = await acme.post(GROUPS, { name: `own-${kind}` });
    expect(taken.status).toBe(409);
    expect((await problemOf(taken)).errors?.map((e) => e.path)).toEqual(['name']);
    const bad = await acme.post(GROUPS, { name: 'a/b' });
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors?.map((e) => e.path)).toEqual(['name']);

    // globex may not put its rule into acme's group: it does not exist for globex.
    const foreign = await globex.post('/api/org/globex/autoscale/rules', ruleFor(DEMO_INFRA_IDS.globex, { name: 'steal', vropsGroupId: group.id }));
    expect(foreign.status).toBe(400);
    expect((await problemOf(foreign)).errors?.map((e) => e.path)).toEqual(['vropsGroupId']);
    const unknown = await acme.post(`${BASE}/rules`, ruleFor(ACME, { name: 'ghost', vropsGroupId: 'no-such-group' }));
    expect((await problemOf(unknown)).errors?.map((e) => e.path)).toEqual(['vropsGroupId']);
  });

  it('adds the VM of a scale out to the group, removes the VM of a scale in, and repairs drift on the next evaluation', async () => {
    const group = await jsonOf(await acme.post(GROUPS, { name: `web-${kind}` }));
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, ruleFor(ACME, { name: 'grouped', minVms: 3, maxVms: 3, cooldownSeconds: 0, vropsGroupId: group.id })));
    expect(rule.vropsGroupId).toBe(group.id);

    // The alert names the group (vROps sends its resourceId): the rule is below its minimum and scales out.
    expect((await alert(group.id, 'a1')).status).toBe(201);
    await waitFor('three members', async () => (await members(group.id)).length === 3);
    expect(await members(group.id)).toEqual(expect.arrayContaining([...ACME.vms].sort()));
    const events = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/events?limit=100`))).items.map((e: { message: string }) => e.message);
    expect(events).toEqual(expect.arrayContaining(['joinVropsGroup', expect.stringMatching(/^vROps group repaired: 2 VM\(s\) added, 0 removed/)]));

    // Drift: someone empties the group in vROps; the next evaluation puts the vApp's VMs back.
    expect((await setMembers(group.id, [])).status).toBe(204);
    await waitFor('the scale out to end', async () => (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/events?limit=1`))).items[0]?.kind === 'result');
    await alert(group.id, 'a2');
    expect(await members(group.id)).toHaveLength(3);

    // Scale in: the rule's maximum drops to 2, the newest VM leaves the group before it is deleted.
    await acme.put(`${BASE}/rules/${rule.id}`, { minVms: 2, maxVms: 2 });
    await alert(group.id, 'a3');
    await waitFor('two members', async () => (await members(group.id)).length === 2);
    expect(await members(group.id)).toEqual([...ACME.vms].sort());
    await waitFor('two VMs in the vApp', async () => Number(await vAppVms()) === 2);
  });
});
