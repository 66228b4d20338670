import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { AMQP_URL, uniqueNames } from '../testing/amqp';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';
import { until } from '../testing/until';

const ACME = DEMO_INFRA_IDS.acme;
const RULES = '/api/org/acme/autoscale/rules';

describe.each(STORES)('autoscale alerts over AMQP on the real RabbitMQ (%s)', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let connection: amqp.ChannelModel;
  let channel: amqp.Channel;
  const queue = `${uniqueNames().queue}.alerts`;

  beforeAll(async () => {
    h = await startHarness(kind, {
      backend: { autoscaleVcdUser: 'administrator@System', autoscaleVcdPassword: 'provider-demo', autoscaleAlertsAmqpUrl: AMQP_URL, autoscaleAlertsQueue: queue },
    });
    acme = api(() => h.backend.url, await h.login('acme'));
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
  });
  afterAll(async () => {
    await h?.close();
    await channel?.deleteQueue(queue).catch(() => undefined);
    await channel?.deleteQueue(`${queue}.dead`).catch(() => undefined);
    await connection?.close();
  });

  const publish = (body: unknown) => channel.sendToQueue(queue, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { contentType: 'application/json' });
  const alertEvents = async (ruleId: string) =>
    ((await jsonOf(await acme.get(`${RULES}/${ruleId}/events?limit=200`))).items as { kind: string; data: { alertId?: string } }[]).filter((e) => e.kind === 'alert');

  it('evaluates a queued alert for the rule, drops a repeat of it, and dead-letters a body that is not an alert', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: `queued-${kind}`, enabled: false })));
    publish({ alertId: 'q-1', status: 'ACTIVE', alertName: 'group CPU', resourceName: rule.name, org: 'acme' });
    publish({ alertId: 'q-1', status: 'ACTIVE', alertName: 'group CPU', resourceName: rule.name, org: 'acme' });
    publish({ status: 'ACTIVE', resourceName: rule.name, org: 'acme' });
    publish('not json');
    // Without org the alert is matched like an SNMP trap: the one org with a rule of that name.
    publish({ alertId: 'q-2', status: 'ACTIVE', alertName: 'group CPU', resourceName: rule.name });

    await until('both alerts journalled', async () => ((await alertEvents(rule.id)).some((e) => e.data.alertId === 'q-2') ? true : undefined), { timeoutMs: 20_000 });
    const ids = (await alertEvents(rule.id)).map((e) => e.data.alertId).sort();
    expect(ids).toEqual(['q-1', 'q-2']);

    await until('two bodies dead-lettered', async () => ((await channel.checkQueue(`${queue}.dead`)).messageCount === 2 ? true : undefined), { timeoutMs: 10_000 });
    // The CANCELED update of the same alert is another message, not a repeat.
    publish({ alertId: 'q-1', status: 'CANCELED', resourceName: rule.name, org: 'acme' });
    await until('the cancel journalled', async () => ((await alertEvents(rule.id)).length === 3 ? true : undefined), { timeoutMs: 20_000 });
  });
});
