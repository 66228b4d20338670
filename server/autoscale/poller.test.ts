import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const IDS = DEMO_INFRA_IDS.globex;
const BASE = '/api/org/globex/autoscale';

describe.each(STORES)('autoscale metric poller on %s', (kind) => {
  let h: Harness;
  let globex: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { autoscaleVcdUser: 'administrator@System', autoscaleVcdPassword: 'provider-demo' } });
    globex = api(() => h.backend.url, await h.login('globex'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('scales a rule out from vCD VM metrics without any alert when the backend has its own vCD user', async () => {
    const provider = await h.login('provider');
    const admin = { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' };
    const rule = await jsonOf(
      await globex.post(`${BASE}/rules`, ruleFor(IDS, {
        name: 'polled',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 5, memoryPercent: 10 },
        maxVms: 2,
        cooldownSeconds: 0,
        evaluationSeconds: 1,
      })),
    );
    expect(rule.id).toBeTruthy();
    await fetch(`${h.mock.url}/mock/admin/vapps/${IDS.vapp}/load`, { method: 'PUT', headers: admin, body: JSON.stringify({ load: 150 }) });
    let done: { kind: string; data: Record<string, unknown> } | undefined;
    while (!done) {
      const events = (await jsonOf(await globex.get(`${BASE}/rules/${rule.id}/events?limit=500`))).items as { kind: string; data: Record<string, unknown> }[];
      done = events.find((e) => e.kind === 'result' || e.kind === 'error');
      if (!done) await new Promise((r) => setTimeout(r, 50));
    }
    expect(done.kind).toBe('result');
    const pool = await jsonOf(await fetch(`${h.mock.url}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${IDS.pool}`, { headers: admin }));
    expect(pool.members).toHaveLength(2);
  });
});
