import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { newAlert } from '../../mock-vcd/vrops/alerts';
import { sendTrap } from '../../mock-vcd/vrops/snmp';
import { api, jsonOf, startHarness, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { freeUdpPort } from '../../mock-vcd/testing/mock';

const IDS = DEMO_INFRA_IDS.globex;
const COMMUNITY = 'vsl-traps';

type Event = { id: number; kind: string; message: string; data: Record<string, unknown> };

describe('vROps SNMP traps as autoscale alerts', () => {
  let h: Harness;
  let port: number;
  let globex: ReturnType<typeof api>;
  let ruleId: string;
  const alertEvents = async (): Promise<Event[]> =>
    ((await jsonOf(await globex.get(`/api/org/globex/autoscale/rules/${ruleId}/events?limit=500`))).items as Event[]).filter((e) => e.kind === 'alert');
  const waitFor = async (alertId: string): Promise<Event> => {
    for (let i = 0; i < 400; i++) {
      const found = (await alertEvents()).find((e) => e.data.alertId === alertId);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`alert ${alertId} never reached the rule`);
  };

  beforeAll(async () => {
    port = await freeUdpPort();
    h = await startHarness('pglite', {
      mock: { vrops: { snmpTargets: [{ host: '127.0.0.1', port, community: COMMUNITY }], intervalMs: 3_600_000 } },
      backend: { autoscaleVcdUser: 'administrator@System', autoscaleVcdPassword: 'provider-demo', autoscaleSnmpPort: port, autoscaleSnmpCommunity: COMMUNITY },
    });
    globex = api(() => h.backend.url, await h.login('globex'));
    const rule = await jsonOf(
      await globex.post('/api/org/globex/autoscale/rules', ruleFor(IDS, {
        name: 'globex-web',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 5, memoryPercent: 10 },
        maxVms: 2,
        cooldownSeconds: 0,
        // The poller (it shares the service account) must not be what scales here.
        evaluationSeconds: 3600,
      })),
    );
    ruleId = rule.id;
    expect(ruleId).toBeTruthy();
  });
  afterAll(() => h?.close());

  it('scales out on the trap the mock vROps sends when its group breaches the CPU threshold', async () => {
    const provider = await h.login('provider');
    const token = await h.login('globex');
    const vcd = (t: string) => ({ Authorization: `Bearer ${t}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' });
    const group = await fetch(`${h.mock.url}/mock/vrops/groups/globex-web`, {
      method: 'PUT',
      headers: vcd(token),
      body: JSON.stringify({ members: IDS.vms.map((u) => `urn:vcloud:vm:${u}`), thresholds: { cpuScaleOut: 70 } }),
    });
    expect(group.status).toBe(200);
    await fetch(`${h.mock.url}/mock/admin/vapps/${IDS.vapp}/load`, { method: 'PUT', headers: vcd(provider), body: JSON.stringify({ load: 180 }) });
    await fetch(`${h.mock.url}/mock/vrops/evaluate`, { method: 'POST', headers: vcd(provider) });
    const list = (await jsonOf(await fetch(`${h.mock.url}/mock/vrops/alerts`, { headers: vcd(token) }))).alerts as { alertId: string }[];
    expect(list.length).toBeGreaterThan(0);
    const received = await waitFor(list[0].alertId);
    expect(received.message).toMatch(/ACTIVE/);
    let result: Event | undefined;
    for (let i = 0; i < 400 && !result; i++) {
      const events = (await jsonOf(await globex.get(`/api/org/globex/autoscale/rules/${ruleId}/events?limit=500`))).items as Event[];
      result = events.find((e) => e.kind === 'result' || e.kind === 'error');
      if (!result) await new Promise((r) => setTimeout(r, 25));
    }
    expect(result?.kind).toBe('result');
  });

  it('drops a trap with the wrong community and ignores a trap for a rule name no org has', async () => {
    const target = { host: '127.0.0.1', port };
    const forged = newAlert({ kind: 'cpuScaleOut', group: { id: 'g1', name: 'globex-web' }, info: 'forged', now: Date.now() });
    const unknown = newAlert({ kind: 'cpuScaleOut', group: { id: 'g2', name: 'nobody-has-this' }, info: 'stray', now: Date.now() });
    const genuine = newAlert({ kind: 'cpuScaleOut', group: { id: 'g3', name: 'globex-web' }, info: 'real', now: Date.now() });
    expect(await sendTrap({ ...target, community: 'public' }, forged, 'vrops')).toBe(true);
    expect(await sendTrap({ ...target, community: COMMUNITY }, unknown, 'vrops')).toBe(true);
    expect(await sendTrap({ ...target, community: COMMUNITY }, genuine, 'vrops')).toBe(true);
    // Loopback UDP keeps order: once the genuine trap is in, the two before it were handled (and left nothing).
    await waitFor(genuine.alertId);
    const ids = (await alertEvents()).map((e) => e.data.alertId);
    expect(ids).not.toContain(forged.alertId);
    expect(ids).not.toContain(unknown.alertId);
  });
});
