import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

/** Issue 14 item 5: lifecycle hooks that call one of the org's functions before a VM joins or leaves the pool. */

const IDS = DEMO_INFRA_IDS.acme;
const BASE = '/api/org/acme/autoscale';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Event = { id: string; kind: string; message: string; data: Record<string, unknown> };

/** Logs the VM it was asked about and answers what its route's name says (`hook-continue`, `hook-abandon`). */
const answering = (answer: string) => `module.exports = async (event) => {
  console.log(event.phase + ' ' + event.vm.name + ' in ' + event.vApp.name + ' for ' + (event.decision ? event.decision.reason : 'a resumed action'));
  return { statusCode: 200, body: { action: '${answer}' } };
};`;
/** Never answers: the hook's timeout decides. */
const SILENT = 'module.exports = () => new Promise(() => {});';

describe.each(STORES)('autoscale lifecycle hooks on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;
  let provider: string;

  const admin = (path: string, body: unknown) =>
    fetch(`${h.mock.url}/mock/admin/${path}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      body: JSON.stringify(body),
    });
  const poolIps = async (): Promise<string[]> => {
    const res = await fetch(`${h.mock.url}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${IDS.pool}`, {
      headers: { Authorization: `Bearer ${provider}`, Accept: 'application/json;version=37.0' },
    });
    return ((await res.json()) as { members: { ipAddress: string }[] }).members.map((m) => m.ipAddress).sort();
  };
  const vmNames = () => h.mock.state.infra.inventory.vapps.find((v) => v.uuid === IDS.vapp)!.vms.map((vm) => vm.name).sort();
  const events = async (ruleId: string): Promise<Event[]> => (await jsonOf(await acme.get(`${BASE}/rules/${ruleId}/events?limit=500`))).items;
  /** Raises the load, sends an alert and waits for the action's result or error. */
  const scale = async (ruleId: string, ruleName: string, load: number, alertId: string): Promise<{ done: Event; steps: Event[] }> => {
    expect((await admin(`vapps/${IDS.vapp}/load`, { load })).status).toBe(200);
    const mark = Number((await events(ruleId))[0]?.id ?? 0);
    const receipt = await jsonOf(await acme.post(`${BASE}/alerts`, { alertId, alertName: 'group CPU', status: 'ACTIVE', resourceName: ruleName }));
    expect(receipt.rules[0].decision.action).not.toBe('none');
    for (;;) {
      const all = (await events(ruleId)).filter((e) => Number(e.id) > mark).reverse();
      const done = all.find((e) => e.kind === 'result' || e.kind === 'error');
      if (done) return { done, steps: all.filter((e) => e.kind === 'step') };
      await sleep(25);
    }
  };
  const hotRule = (name: string, hooks: unknown, extra: Record<string, unknown> = {}) =>
    ruleFor(IDS, { name, scaleOut: { cpuPercent: 70, memoryPercent: 90 }, scaleIn: { cpuPercent: 20, memoryPercent: 40 }, minVms: 1, maxVms: 10, cooldownSeconds: 0, stabilizationSeconds: 0, hooks, ...extra });

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { autoscaleRetries: 0 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    provider = await h.login('provider');
    for (const [org, client, name, code] of [
      ['acme', acme, 'hook-continue', answering('continue')],
      ['acme', acme, 'hook-abandon', answering('abandon')],
      ['acme', acme, 'hook-silent', SILENT],
      ['globex', globex, 'globex-hook', answering('continue')],
    ] as const) {
      expect((await client.post(`/api/org/${org}/faas/functions`, newFunction(name, { code, limits: { timeoutMs: 5000 } }))).status).toBe(202);
      expect((await client.waitBuilt(org, name)).status).toBe('ready');
    }
  }, 60_000);
  afterAll(() => h?.close());
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(`${BASE}/rules`))).items as { id: string }[]) await acme.delete(`${BASE}/rules/${r.id}`);
    await admin(`vapps/${IDS.vapp}/load`, { load: 40 });
  });

  it.each([
    ['a function that does not exist', { afterPowerOn: { function: 'no-such-fn' } }, 'hooks.afterPowerOn.function'],
    ["another org's function", { beforeDrain: { function: 'globex-hook' } }, 'hooks.beforeDrain.function'],
    ['a timeout of 0 s', { afterPowerOn: { function: 'hook-continue', timeoutSeconds: 0 } }, 'hooks.afterPowerOn.timeoutSeconds'],
    ['an unknown default outcome', { afterPowerOn: { function: 'hook-continue', onTimeout: 'retry' } }, 'hooks.afterPowerOn.onTimeout'],
  ])('rejects a hook naming %s with 400 naming the field, on create and on edit', async (_what, hooks, field) => {
    const created = await acme.post(`${BASE}/rules`, hotRule('bad-hook', hooks));
    expect(created.status).toBe(400);
    expect((await problemOf(created)).errors?.map((e) => e.path)).toContain(field);
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('edit-hook', undefined)));
    const edited = await acme.put(`${BASE}/rules/${rule.id}`, { hooks });
    expect(edited.status).toBe(400);
    expect((await problemOf(edited)).errors?.map((e) => e.path)).toContain(field);
  });

  it('keeps a hook with its defaults and shows it in the rule and its history', async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('kept', { afterPowerOn: { function: 'hook-continue' } })));
    expect(rule.hooks).toEqual({ afterPowerOn: { function: 'hook-continue', timeoutSeconds: 30, onTimeout: 'abandon' } });
    await acme.put(`${BASE}/rules/${rule.id}`, { hooks: { beforeDrain: { function: 'hook-abandon', timeoutSeconds: 5, onTimeout: 'continue' } } });
    const history = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/history`))).items;
    expect(history[0].changes.map((c: { field: string }) => c.field).sort()).toEqual(['hooks.afterPowerOn', 'hooks.beforeDrain']);
    // The same hooks sent again (in another key order than the store keeps) are no change: nothing is journalled.
    const same = { afterPowerOn: { onTimeout: 'abandon', timeoutSeconds: 30, function: 'hook-continue' }, beforeDrain: { onTimeout: 'continue', function: 'hook-abandon', timeoutSeconds: 5 } };
    await acme.put(`${BASE}/rules/${rule.id}`, { hooks: same });
    await acme.put(`${BASE}/rules/${rule.id}`, { hooks: same, maxVms: 3 });
    const latest = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/history`))).items[0];
    expect(latest.changes.map((c: { field: string }) => c.field)).toEqual(['maxVms']);
  });

  it('calls the function after power-on with the VM, vApp and decision, and its continue lets the VM join the pool', async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('hooked', { afterPowerOn: { function: 'hook-continue' } })));
    const before = await poolIps();
    const { done, steps } = await scale(rule.id, 'hooked', 400, 'hot-continue');
    expect(done.kind).toBe('result');
    expect(steps.map((s) => s.message)).toEqual(['recompose', 'powerOn', 'hook', 'hookResult', 'addPoolMember']);
    const result = steps.find((s) => s.message === 'hookResult')!.data;
    expect(result).toMatchObject({ phase: 'afterPowerOn', function: 'hook-continue', outcome: 'continue', by: 'answer', vm: done.data.name });
    expect(await poolIps()).toHaveLength(before.length + 1);
    const runs = (await jsonOf(await acme.get(`/api/org/acme/faas/functions/hook-continue/activations?limit=5`))).items;
    const run = runs.find((a: { id: string }) => a.id === result.activationId);
    expect(run).toMatchObject({ trigger: 'hook', status: 'success' });
    expect(run.logs.join('\n')).toContain(`afterPowerOn ${done.data.name} in `);
    expect(run.logs.join('\n')).toContain('above-scale-out');
  });

  it('rolls the new VM back when the function abandons the scale out: no orphan, the pool as it was', async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('abandoned', { afterPowerOn: { function: 'hook-abandon' } })));
    const [pool, vms] = [await poolIps(), vmNames()];
    const { done, steps } = await scale(rule.id, 'abandoned', 400, 'hot-abandon');
    expect(done.kind).toBe('error');
    expect(done.message).toMatch(/afterPowerOn hook \(function hook-abandon\) abandoned it/);
    expect(steps.map((s) => s.message)).toEqual(['recompose', 'powerOn', 'hook', 'hookResult', 'rollback']);
    expect(await poolIps()).toEqual(pool);
    expect(vmNames()).toEqual(vms);
  });

  it("takes the user's default when the function does not answer in time", async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('silent', { afterPowerOn: { function: 'hook-silent', timeoutSeconds: 1, onTimeout: 'continue' } })));
    const before = await poolIps();
    const { done, steps } = await scale(rule.id, 'silent', 400, 'hot-silent');
    expect(done.kind).toBe('result');
    expect(steps.find((s) => s.message === 'hookResult')!.data).toMatchObject({ outcome: 'continue', by: 'timeout' });
    expect(await poolIps()).toHaveLength(before.length + 1);
  });

  it('asks the function before draining a VM on scale in, and its abandon keeps the VM serving', async () => {
    const rule = await jsonOf(await acme.post(`${BASE}/rules`, hotRule('drain', { beforeDrain: { function: 'hook-abandon' } })));
    expect((await scale(rule.id, 'drain', 400, 'hot-drain')).done.kind).toBe('result');
    const [pool, vms] = [await poolIps(), vmNames()];
    const { done, steps } = await scale(rule.id, 'drain', 5, 'cold-drain');
    expect(done.kind).toBe('error');
    expect(steps.map((s) => s.message)).toEqual(['hook', 'hookResult']);
    expect(steps[1].data).toMatchObject({ phase: 'beforeDrain', outcome: 'abandon', by: 'answer' });
    expect(await poolIps()).toEqual(pool);
    expect(vmNames()).toEqual(vms);
  });
});
