import { describe, expect, it } from 'vitest';
import { jsonOf, login, mockPerTest } from '../testing/mock';
import { ACME, GLOBEX, apiHeaders, cloudHeaders, cpuOf, getJson } from '../testing/infra';

const start = mockPerTest();

describe('mock vCD inventory (read-only)', () => {
  it('shows a tenant its vApp "web" with its VMs, their IPs and the template it can compose from', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const vapp = await getJson(mock, token, `/api/vApp/vapp-${ACME.vapp}`);
    expect(vapp).toMatchObject({ id: `urn:vcloud:vapp:${ACME.vapp}`, name: 'web', status: 4, type: 'application/vnd.vmware.vcloud.vApp+json' });
    expect(vapp.children.vm.map((vm: { name: string }) => vm.name)).toEqual(['web-01', 'web-02']);
    const vm = await getJson(mock, token, `/api/vApp/vm-${ACME.vms[0]}`);
    expect(vm.section[0].networkConnection[0].ipAddress).toBe('10.10.0.11');
    const template = await getJson(mock, token, `/api/vAppTemplate/vappTemplate-${ACME.template}`);
    expect(template.children.vm).toHaveLength(1);
    expect(template.children.vm[0].href).toBe(`${mock.url}/api/vAppTemplate/vm-${ACME.templateVm}`);
  });

  it('answers the query service with records of vApps, VMs, templates and edge gateways, filtered', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const q = (qs: string) => getJson(mock, token, `/api/query?${qs}`);
    const vapps = await q('type=vApp&format=records');
    expect(vapps.record.map((r: { name: string }) => r.name)).toEqual(['web']);
    const vms = await q('type=vm&format=records&filter=' + encodeURIComponent('isVAppTemplate==false;containerName==web'));
    expect(vms.record.map((r: { ipAddress: string }) => r.ipAddress)).toEqual(['10.10.0.11', '10.10.0.12']);
    expect((await q('type=vAppTemplate&format=records')).record[0].name).toBe('web-template');
    expect((await q('type=edgeGateway&format=records')).record[0].name).toBe('acme-edge');
    const bad = await fetch(`${mock.url}/api/query?type=disk&format=records`, { headers: apiHeaders(token) });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).message).toMatch(/query type/);
  });

  it('lists the edge gateway and its LB pool "web-pool" whose members are the VMs’ IPs', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const edges = await getJson(mock, token, '/cloudapi/1.0.0/edgeGateways');
    expect(edges.values.map((e: { name: string }) => e.name)).toEqual(['acme-edge']);
    const summaries = await getJson(mock, token, `/cloudapi/1.0.0/edgeGateways/${edges.values[0].id}/loadBalancer/poolSummaries`);
    expect(summaries.values).toMatchObject([{ name: 'web-pool', memberCount: 2 }]);
    const pool = await getJson(mock, token, `/cloudapi/1.0.0/loadBalancer/pools/${summaries.values[0].id}`);
    expect(pool.members.map((m: { ipAddress: string }) => m.ipAddress)).toEqual(['10.10.0.11', '10.10.0.12']);
  });

  it('reports per-VM CPU and memory as CurrentUsage, the vApp load shared by the pool’s members', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const usage = await getJson(mock, token, `/api/vApp/vm-${ACME.vms[0]}/metrics/current`);
    const names = usage.metric.map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['cpu.usage.average', 'mem.usage.average']));
    mock.state.infra.inventory.vapps.find((v) => v.uuid === ACME.vapp)!.load = 120;
    expect(await cpuOf(mock, token, ACME.vms[0])).toBeCloseTo(62, 5);
    expect(await cpuOf(mock, token, ACME.vms[1])).toBeCloseTo(62, 5);
  });

  it('answers historic CPU and memory samples for a window from the sampler’s ring buffer', async () => {
    const mock = await start({ infra: { metricsSampleMs: 10 } });
    const token = await login(mock, 'acme');
    const from = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 500 && mock.state.infra.history.window(ACME.vms[0], 0, Infinity).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const res = await fetch(`${mock.url}/api/vApp/vm-${ACME.vms[0]}/metrics/historic`, {
      method: 'POST',
      headers: apiHeaders(token, { 'Content-Type': 'application/vnd.vmware.vcloud.metricsPastRangeSpec+json' }),
      body: JSON.stringify({ fromTime: from, metricPattern: ['cpu.*'] }),
    });
    expect(res.status).toBe(200);
    const usage = await jsonOf(res);
    expect(usage.metricSeries.map((s: { name: string }) => s.name)).toEqual(['cpu.usage.average']);
    expect(usage.metricSeries[0].sample.length).toBeGreaterThanOrEqual(3);
    expect(Number(usage.metricSeries[0].sample[0].value)).toBeCloseTo(32, 5);
    const bad = await fetch(`${mock.url}/api/vApp/vm-${ACME.vms[0]}/metrics/historic`, {
      method: 'POST',
      headers: apiHeaders(token, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ fromTime: 'yesterday' }),
    });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).message).toMatch(/fromTime/);
  });

  it('serves a deterministic demo history before its start: 5-minute samples, the same values whenever it started', async () => {
    const historic = async (mock: Awaited<ReturnType<typeof start>>, from: number, to: number) => {
      const res = await fetch(`${mock.url}/api/vApp/vm-${ACME.vms[0]}/metrics/historic`, {
        method: 'POST',
        headers: apiHeaders(await login(mock, 'acme'), { 'Content-Type': 'application/json' }),
        body: JSON.stringify({ fromTime: new Date(from).toISOString(), toTime: new Date(to).toISOString(), metricPattern: ['cpu.usage.average'] }),
      });
      return ((await jsonOf(res)).metricSeries[0].sample as { timestamp: string; value: string }[]).map((s) => [Date.parse(s.timestamp), Number(s.value)]);
    };
    const day = 86_400_000;
    const to = Date.now() - day;
    const first = await historic(await start({ infra: { demoHistoryDays: 2 } }), to - day, to);
    await new Promise((r) => setTimeout(r, 20));
    const second = await historic(await start({ infra: { demoHistoryDays: 2 } }), to - day, to);
    expect(first).toHaveLength(288);
    expect(second).toEqual(first);
    expect(first[1][0] - first[0][0]).toBe(5 * 60_000);
    // A working-day curve, not a constant: nights idle near 2 + 30/2 %, weekday middays far above.
    const values = first.map(([, v]) => v);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(10);
    // Nothing older than the demo window, and none at all without one.
    expect(await historic(await start({ infra: { demoHistoryDays: 2 } }), to - 3 * day, to - 2 * day)).toEqual([]);
    expect(await historic(await start(), to - day, to)).toEqual([]);
  });

  it('keeps each tenant to its own org: another org’s vApp, VM, template, pool and records are invisible', async () => {
    const mock = await start();
    const globex = await login(mock, 'globex');
    for (const path of [`/api/vApp/vapp-${ACME.vapp}`, `/api/vApp/vm-${ACME.vms[0]}`, `/api/vAppTemplate/vappTemplate-${ACME.template}`, `/api/vApp/vm-${ACME.vms[0]}/metrics/current`]) {
      const res = await fetch(mock.url + path, { headers: apiHeaders(globex) });
      expect(res.status, path).toBe(403);
    }
    const pool = await fetch(`${mock.url}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${ACME.pool}`, { headers: cloudHeaders(globex) });
    expect(pool.status).toBe(404);
    const vms = await getJson(mock, globex, '/api/query?type=vm&format=records');
    expect(vms.record.every((r: { href: string }) => !r.href.includes(ACME.vms[0]))).toBe(true);
    expect(vms.record.some((r: { href: string }) => r.href.includes(GLOBEX.vms[0]))).toBe(true);
    const provider = await login(mock, 'provider');
    expect((await getJson(mock, provider, '/api/query?type=vApp&format=records')).total).toBe(2);
  });

  it('refuses an unauthenticated call with 401', async () => {
    const mock = await start();
    const res = await fetch(`${mock.url}/api/vApp/vapp-${ACME.vapp}`, { headers: { Accept: 'application/*+json;version=37.0' } });
    expect(res.status).toBe(401);
  });
});
