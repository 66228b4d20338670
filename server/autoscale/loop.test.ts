import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { randomUUID } from 'node:crypto';
import { api, jsonOf, openTestDb, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const IDS = DEMO_INFRA_IDS.acme;
const BASE = '/api/org/acme/autoscale';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(STORES)('autoscale closed loop on the mock vCD (%s)', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let provider: string;

  beforeAll(async () => {
    // Retries of a failed vCD task come after 20 ms, then 40 ms, instead of 5 s and 10 s.
    h = await startHarness(kind, { backend: { autoscaleRetries: 2, autoscaleRetryBaseMs: 20 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    provider = await h.login('provider');
  });
  afterAll(async () => {
    await h?.close();
  });
  // One rule per vApp: each test starts with the demo vApp free.
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(`${BASE}/rules`))).items as { id: string }[]) await acme.delete(`${BASE}/rules/${r.id}`);
  });

  const setLoad = async (load: number) => {
    const res = await fetch(`${h.mock.url}/mock/admin/vapps/${IDS.vapp}/load`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      body: JSON.stringify({ load }),
    });
    expect(res.status).toBe(200);
  };
  const poolIps = async (): Promise<string[]> => {
    const res = await fetch(`${h.mock.url}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${IDS.pool}`, {
      headers: { Authorization: `Bearer ${provider}`, Accept: 'application/json;version=37.0' },
    });
    return ((await res.json()) as { members: { ipAddress: string }[] }).members.map((m) => m.ipAddress).sort();
  };
  const alert = (ruleName: string, id: string) => ({ alertId: id, alertName: 'group CPU', status: 'ACTIVE', resourceName: ruleName, resourceKind: 'Environment' });
  /** Waits for the rule's action to end; returns its result or error event. */
  const outcome = async (ruleId: string, after: number): Promise<{ kind: string; message: string; data: Record<string, unknown> }> => {
    for (;;) {
      const events = (await jsonOf(await acme.get(`${BASE}/rules/${ruleId}/events?limit=500`))).items as { id: string; kind: string; message: string; data: Record<string, unknown> }[];
      const done = events.find((e) => Number(e.id) > after && (e.kind === 'result' || e.kind === 'error'));
      if (done) return done;
      await sleep(25);
    }
  };
  const lastEventId = async (ruleId: string) => Number((await jsonOf(await acme.get(`${BASE}/rules/${ruleId}/events?limit=1`))).items[0]?.id ?? 0);

  it('scales out under load into the pool, then scales in after the stabilization window once the load drops', async () => {
    const rule = await jsonOf(
      await acme.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'loop',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 20, memoryPercent: 40 },
        minVms: 2,
        maxVms: 4,
        step: 1,
        cooldownSeconds: 0,
        stabilizationSeconds: 3,
      })),
    );
    const before = await poolIps();
    expect(before).toHaveLength(2);

    await setLoad(180); // 2 VMs at ~92 % CPU each
    const hotCpu = (await jsonOf(await acme.post(`${BASE}/rules/${rule.id}/dry-run`, {}))).metrics.cpuPercent;
    let mark = await lastEventId(rule.id);
    const out = await jsonOf(await acme.post(`${BASE}/alerts`, alert('loop', 'hot-1')));
    expect(out.rules[0].decision).toMatchObject({ action: 'scaleOut', current: 2, desired: 3 });
    const grown = await outcome(rule.id, mark);
    expect(grown.kind).toBe('result');
    expect(grown.data.name).toBe('web-as-1');

    const after = await poolIps();
    expect(after).toHaveLength(3);
    expect(after).toContain(grown.data.ip);
    const cooler = (await jsonOf(await acme.post(`${BASE}/rules/${rule.id}/dry-run`, {}))).metrics;
    expect(cooler.vms).toBe(3);
    expect(cooler.cpuPercent).toBeLessThan(hotCpu);

    await setLoad(10);
    const held = await jsonOf(await acme.post(`${BASE}/alerts`, alert('loop', 'cold-1')));
    expect(held.rules[0].decision).toMatchObject({ action: 'none', reason: 'stabilizing' });

    await sleep(3100); // the rule's shortened stabilization window passes
    mark = await lastEventId(rule.id);
    const shrink = await jsonOf(await acme.post(`${BASE}/alerts`, alert('loop', 'cold-2')));
    expect(shrink.rules[0].decision).toMatchObject({ action: 'scaleIn', current: 3, desired: 2 });
    const shrunk = await outcome(rule.id, mark);
    expect(shrunk.kind).toBe('result');
    expect(shrunk.data.name).toBe('web-as-1');
    expect(await poolIps()).toEqual(before);
    const steps = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/events?limit=500`))).items
      .filter((e: { id: string; kind: string }) => e.kind === 'step' && Number(e.id) > mark)
      .map((e: { message: string }) => e.message)
      .reverse();
    expect(steps).toEqual(['removePoolMember', 'powerOff', 'delete']);
  });

  it('journals a failing vCD task, retries it per policy and scales out once the task goes through', async () => {
    const rule = await jsonOf(
      await acme.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'retried',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 20, memoryPercent: 40 },
        minVms: 1,
        maxVms: 6,
        cooldownSeconds: 0,
      })),
    );
    const before = await poolIps();
    await fetch(`${h.mock.url}/mock/admin/faults`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      body: JSON.stringify({ failNext: { recompose: 1 } }),
    });
    await setLoad(400);
    const mark = await lastEventId(rule.id);
    await acme.post(`${BASE}/alerts`, alert('retried', 'hot-retry'));
    const done = await outcome(rule.id, mark);
    expect(done.kind).toBe('result');
    const events = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/events?limit=500`))).items as { id: number; message: string; data: Record<string, unknown> }[];
    const retry = events.find((e) => e.id > mark && e.message === 'retry');
    expect(retry?.data).toMatchObject({ attempt: 1, of: 2, reason: expect.stringMatching(/task failed/i) });
    expect(await poolIps()).toHaveLength(before.length + 1);
    await acme.delete(`${BASE}/rules/${rule.id}`);
  });

  it('journals a failing vCD task as an error once its retries are used up, and leaves the pool as it was', async () => {
    const rule = await jsonOf(
      await acme.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'faulty',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 20, memoryPercent: 40 },
        minVms: 1,
        maxVms: 4,
        cooldownSeconds: 0,
      })),
    );
    const before = await poolIps();
    const fault = await fetch(`${h.mock.url}/mock/admin/faults`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      // The first try and both retries fail.
      body: JSON.stringify({ failNext: { recompose: 3 } }),
    });
    expect(fault.status).toBe(200);
    await setLoad(400);
    const mark = await lastEventId(rule.id);
    await acme.post(`${BASE}/alerts`, alert('faulty', 'hot-2'));
    const failed = await outcome(rule.id, mark);
    expect(failed.kind).toBe('error');
    expect(failed.message).toMatch(/scaleOut failed/);
    expect(await poolIps()).toEqual(before);
  });

  it('takes the new VM away again when its power-on fails, so a failed scale out leaves no orphan VM', async () => {
    const rule = await jsonOf(
      await acme.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'rollback',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 20, memoryPercent: 40 },
        minVms: 1,
        maxVms: 6,
        cooldownSeconds: 0,
      })),
    );
    const token = await h.login('acme');
    const vcdHeaders = { Authorization: `Bearer ${token}`, Accept: 'application/*+json;version=37.0' };
    const vmNames = async () => ((await jsonOf(await fetch(`${h.mock.url}/api/vApp/vapp-${IDS.vapp}`, { headers: vcdHeaders }))).children.vm as { name: string }[]).map((vm) => vm.name).sort();
    const beforeVms = await vmNames();
    const beforePool = await poolIps();
    await fetch(`${h.mock.url}/mock/admin/faults`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' },
      // The first try and both retries fail; each is rolled back.
      body: JSON.stringify({ failNext: { powerOn: 3 } }),
    });
    await setLoad(400);
    const mark = await lastEventId(rule.id);
    await acme.post(`${BASE}/alerts`, alert('rollback', 'hot-rollback'));
    const failed = await outcome(rule.id, mark);
    expect(failed.kind).toBe('error');
    const events = (await jsonOf(await acme.get(`${BASE}/rules/${rule.id}/events?limit=500`))).items as { id: number; message: string }[];
    expect(events.filter((e) => e.id > mark).map((e) => e.message), JSON.stringify(events.filter((e) => e.id > mark))).toContain('rollback');
    expect(await vmNames()).toEqual(beforeVms);
    expect(await poolIps()).toEqual(beforePool);
    await acme.delete(`${BASE}/rules/${rule.id}`);
  });

  it('finishes a scale out a crash interrupted after the recompose: one new VM, powered on, in the pool once', async () => {
    const rule = await jsonOf(
      await acme.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'crash',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 5, memoryPercent: 10 },
        minVms: 1,
        maxVms: 5,
        cooldownSeconds: 0,
      })),
    );
    await fetch(`${h.mock.url}/mock/admin/faults`, { method: 'DELETE', headers: { Authorization: `Bearer ${provider}` } });
    await setLoad(60);
    const before = await poolIps();
    // What the crashed process had done: the VM is composed (powered off, no IP), the journal says running.
    const token = await h.login('acme');
    const vcdHeaders = { Authorization: `Bearer ${token}`, Accept: 'application/*+json;version=37.0', 'Content-Type': 'application/*+json' };
    const recompose = await fetch(`${h.mock.url}/api/vApp/vapp-${IDS.vapp}/action/recomposeVApp`, {
      method: 'POST',
      headers: vcdHeaders,
      body: JSON.stringify({ sourcedItem: [{ source: { href: `${h.mock.url}/api/vAppTemplate/vm-${IDS.templateVm}` }, vmGeneralParams: { name: 'web-as-7' } }] }),
    });
    expect(recompose.status).toBe(202);
    for (;;) {
      const task = await jsonOf(await fetch(recompose.headers.get('location') as string, { headers: vcdHeaders }));
      if (task.status === 'success') break;
      await sleep(20);
    }
    await h.backend.close();
    const db = await openTestDb(h.store);
    await db.query(`INSERT INTO autoscale_actions (id, org, rule_id, kind, status, seq, vm_name) VALUES ($1, 'acme', $2, 'scaleOut', 'running', 7, 'web-as-7')`, [
      randomUUID(),
      rule.id,
    ]);
    await db.close();
    await h.restart();

    const mark = await lastEventId(rule.id);
    await acme.post(`${BASE}/alerts`, alert('crash', 'after-crash'));
    const resumed = await outcome(rule.id, mark);
    expect(resumed.kind).toBe('result');
    expect(resumed.data.name).toBe('web-as-7');
    const after = await poolIps();
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((ip) => ip === resumed.data.ip)).toHaveLength(1);

    await acme.post(`${BASE}/alerts`, alert('crash', 'again'));
    expect(await poolIps()).toEqual(after);
    const vms = (await jsonOf(await fetch(`${h.mock.url}/api/vApp/vapp-${IDS.vapp}`, { headers: vcdHeaders }))).children.vm as { name: string }[];
    expect(vms.filter((vm) => vm.name === 'web-as-7')).toHaveLength(1);
  });
});
