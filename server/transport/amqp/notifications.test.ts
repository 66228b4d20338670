import { describe, expect, it } from 'vitest';
import { api, jsonOf, type Harness } from '../../testing/harness';
import { amqpHarnessPerTest } from '../../testing/amqp-per-test';
import { rawClient } from '../../testing/amqp';

/** vCD notifications through the real RabbitMQ: the mock publishes on the topic exchange, the backend consumes. */

const VM_CREATE = 'com/vmware/vcloud/event/vm/create';
const SEEN = 'module.exports = async (event) => ({ statusCode: 200, body: { seen: event.type, entity: event.entity } });';

const startHarness = amqpHarnessPerTest();

async function start() {
  const started = await startHarness();
  // Only the broker delivers: no webhook beside it.
  started.harness.mock.state.infra.notifier.targets.splice(0);
  return started;
}

/** Polls until `count` activations exist, for up to 90 s (a hang guard: a loaded machine is slow, not wrong). */
async function activations(client: ReturnType<typeof api>, name: string, count: number) {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    const items = (await jsonOf(await client.get(`/api/org/acme/faas/functions/${name}/activations`))).items as { trigger: string; status: string }[];
    if (items.length >= count) return items;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${name} did not reach ${count} activations in 90 s`);
}

/** The mock's Notifier publishes vm/create for acme's VM `n` as vCD would after a recompose. */
async function emitVmCreate(harness: Harness, token: string, n: string) {
  const session = await jsonOf(await fetch(`${harness.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` } }));
  const urn = (type: string, last: string) => `urn:vcloud:${type}:${n}1111111-2222-3333-4444-${last}`;
  harness.mock.state.infra.notifier.emitNotification({
    event: 'vm/create',
    operationSuccess: true,
    userId: session.user.id,
    orgId: session.org.id,
    entity: urn('vm', '555555555555'),
    task: urn('task', '666666666666'),
    taskOwner: urn('vapp', '777777777777'),
  });
}

describe('vCD notifications over AMQP', () => {
  it('runs an event-triggered function once for a notification published on vcd.notifications20', async () => {
    const { harness } = await start();
    const token = await harness.login('acme');
    const acme = api(() => harness.mock.url, token);
    const created = await acme.post('/api/org/acme/faas/functions', { name: 'on-vm', runtime: 'nodejs20', code: SEEN, trigger: { type: 'event', events: [VM_CREATE] } });
    expect(created.status).toBe(202);
    expect((await acme.waitBuilt('acme', 'on-vm')).status).toBe('ready');

    await emitVmCreate(harness, token, '1');
    const items = await activations(acme, 'on-vm', 1);
    expect(items).toHaveLength(1);
    expect(items[0].status).toBe('success');
  });

  it('dead-letters a message that is not a vCD notification and keeps consuming', async () => {
    const { harness, names } = await start();
    const client = await rawClient();
    try {
      client.channel.publish(names.notificationsExchange, 'true.x.y.z.com.vmware.vcloud.event.vm.create', Buffer.from(JSON.stringify({ eventId: 'e1', type: 'nonsense' })));
      const dead = await client.nextMessage(`${names.notificationsQueue}.dead`);
      expect(dead && JSON.parse(dead.content.toString())).toEqual({ eventId: 'e1', type: 'nonsense' });
    } finally {
      await client.close();
    }
    // The consumer is alive: a real notification still reaches the functions.
    const token = await harness.login('acme');
    const acme = api(() => harness.mock.url, token);
    await acme.post('/api/org/acme/faas/functions', { name: 'after', runtime: 'nodejs20', code: SEEN, trigger: { type: 'event', events: [VM_CREATE] } });
    expect((await acme.waitBuilt('acme', 'after')).status).toBe('ready');
    await emitVmCreate(harness, token, '2');
    expect(await activations(acme, 'after', 1)).toHaveLength(1);
  });
});
