import { afterEach, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, startHarness, type Harness } from '../../testing/harness';

/** The product through the mock vCD's MQTT bus (aedes on /messaging/mqtt): requests, events, the audit reconcile. */

const VM_CREATE = 'com/vmware/vcloud/event/vm/create';
const SEEN = 'module.exports = async (event) => ({ statusCode: 200, body: { seen: event.type } });';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function activations(client: ReturnType<typeof api>, name: string, count: number) {
  for (let i = 0; i < 400; i++) {
    const items = (await jsonOf(await client.get(`/api/org/acme/faas/functions/${name}/activations`))).items as { trigger: string; status: string }[];
    if (items.length >= count) return items;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${name} did not reach ${count} activations`);
}

async function emitVmCreate(h: Harness, token: string, n: string) {
  const session = await jsonOf(await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` } }));
  const urn = (type: string, last: string) => `urn:vcloud:${type}:${n}1111111-2222-3333-4444-${last}`;
  return h.mock.state.infra.notifier.emitNotification({
    event: 'vm/create',
    operationSuccess: true,
    userId: session.user.id,
    orgId: session.org.id,
    entity: urn('vm', '555555555555'),
    task: urn('task', '666666666666'),
    taskOwner: urn('vapp', '777777777777'),
  });
}

describe('API extension over vCD\'s MQTT bus', () => {
  it('creates, invokes and lists a function through vCD with no HTTP hop to the backend', async () => {
    harness = await startHarness('pglite', { transport: 'mqtt' });
    // No HTTP endpoint at all: only the bus can answer.
    delete harness.mock.state.httpExtensions.serverless;
    const acme = api(() => harness!.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');
    const invoked = await acme.get('/api/org/acme/hello?who=mqtt');
    expect(invoked.status).toBe(200);
    expect(invoked.headers.get('x-greeting')).toBe('hi');
    expect(await jsonOf(invoked)).toEqual({ hello: 'mqtt', method: 'GET', org: 'acme' });
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions'))).items.map((f: { name: string }) => f.name)).toEqual(['hello']);
  });

  it('keeps tenants apart: globex cannot read acme through the bus', async () => {
    harness = await startHarness('pglite', { transport: 'mqtt' });
    const globex = api(() => harness!.mock.url, await harness.login('globex'));
    const res = await globex.get('/api/org/acme/faas/functions');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('runs an event function once per vCD event from publish/#, and the audit reconcile runs a missed one once', async () => {
    harness = await startHarness('postgres', { transport: 'mqtt', mqttEvents: true, backend: { vcdEventsReconcileMs: 300 } });
    const h = harness;
    const token = await h.login('acme');
    const acme = api(() => h.mock.url, token);
    await acme.post('/api/org/acme/faas/functions', { name: 'on-vm', runtime: 'nodejs20', code: SEEN, trigger: { type: 'event', events: [VM_CREATE] } });
    expect((await acme.waitBuilt('acme', 'on-vm')).status).toBe('ready');

    await emitVmCreate(h, token, '1');
    expect(await activations(acme, 'on-vm', 1)).toHaveLength(1);

    // An event the bus never delivered (published with nobody on it): only vCD's audit trail has it.
    const publish = h.mock.state.mqtt.publish.bind(h.mock.state.mqtt);
    h.mock.state.mqtt.publish = async (topic, payload, qos) => (topic.startsWith('publish/') ? undefined : publish(topic, payload, qos));
    await emitVmCreate(h, token, '2');
    const items = await activations(acme, 'on-vm', 2);
    // Several reconciles later, still exactly two runs: each event ran once.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/on-vm/activations'))).items).toHaveLength(2);
    expect(items.every((a) => a.trigger === 'event')).toBe(true);
  });
});

describe('vCD metrics over the bus', () => {
  it('feed autoscale as a push source: a rule is evaluated with the pushed averages and no poller', async () => {
    const { DEMO_INFRA_IDS } = await import('../../../mock-vcd/infra/demo');
    const { ruleFor } = await import('../../testing/autoscale');
    // No AUTOSCALE_VCD_USER: the poller is off, so a decision can only come from metrics/{org}/{vApp}.
    harness = await startHarness('pglite', { transport: 'mqtt', mqttEvents: true, mock: { mqtt: { metricsIntervalMs: 200 } } });
    const acme = api(() => harness!.mock.url, await harness.login('acme'));
    const created = await acme.post('/api/org/acme/autoscale/rules', ruleFor(DEMO_INFRA_IDS.acme, { evaluationSeconds: 1 }));
    expect(created.status).toBe(201);
    const rule = await jsonOf(created);
    let decisions: { kind: string; data: { metrics?: { vms: number; cpuPercent: number } } }[] = [];
    for (let i = 0; i < 100 && decisions.length < 2; i++) {
      const events = (await jsonOf(await acme.get(`/api/org/acme/autoscale/rules/${rule.id}/events?limit=50`))).items as typeof decisions;
      decisions = events.filter((e) => e.kind === 'decision');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(decisions.length).toBeGreaterThanOrEqual(2);
    // The demo vApp's two powered-on VMs, as the mock pushed them.
    expect(decisions[0].data.metrics).toMatchObject({ vms: 2 });
    expect(decisions[0].data.metrics!.cpuPercent).toBeGreaterThan(0);
  });
});
