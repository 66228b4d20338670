import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import type { Config } from '../config';
import { startHarness, type Harness, type StoreKind } from './harness';
import { loginAsProvider, registerApiExtension } from '../../bin/lib/vcd-provider';

/** Test support for the AMQP transport: the real RabbitMQ with names of its own per test. */

export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const run = promisify(execFile);

/** Exchange, queue, routing key and connection names no other test uses. */
export function uniqueNames() {
  const id = randomBytes(5).toString('hex');
  return {
    exchange: `test.vcdext.${id}`,
    queue: `test.serverless.${id}`,
    routingKey: `serverless-${id}`,
    replyExchange: `test.system.${id}`,
    notificationsExchange: `test.notifications20.${id}`,
    notificationsQueue: `test.serverless.notifications.${id}`,
    connectionName: `test-backend-${id}`,
  };
}

export type Names = ReturnType<typeof uniqueNames>;

export function backendAmqpConfig(names: Names): Partial<Config> {
  return {
    amqpUrl: AMQP_URL,
    amqpExchange: names.exchange,
    amqpQueue: names.queue,
    amqpRoutingKey: names.routingKey,
    amqpNotificationsExchange: names.notificationsExchange,
    amqpNotificationsQueue: names.notificationsQueue,
    amqpConnectionName: names.connectionName,
  };
}

/** Mock vCD in AMQP mode + backend consuming the same names, the extension registered as a provider would. */
export async function startAmqpHarness(
  options: { timeoutMs?: number; backend?: Partial<Config>; store?: StoreKind } = {},
): Promise<{ harness: Harness; names: Names }> {
  const names = uniqueNames();
  const harness = await startHarness(options.store ?? 'pglite', {
    mock: { amqp: { url: AMQP_URL, replyExchange: names.replyExchange, notificationsExchange: names.notificationsExchange, timeoutMs: options.timeoutMs } },
    backend: { ...backendAmqpConfig(names), ...options.backend },
  });
  const session = await loginAsProvider({ vcdUrl: harness.mock.url, user: 'administrator@System', password: 'provider-demo' });
  await registerApiExtension(session, { exchange: names.exchange, routingKey: names.routingKey });
  return { harness, names };
}

/** A handler that keeps its replica busy for 200 ms: calls are in flight long enough for a fault to meet them. */
export const SLOW_HANDLER = `module.exports = async (event) => {
  const end = Date.now() + 200;
  while (Date.now() < end) {}
  return { statusCode: 200, body: { n: event.query.n } };
};`;

/** Stops an AMQP harness and deletes the broker names it used. */
export async function stopAmqpHarness(started: { harness: Harness; names: Names }): Promise<void> {
  await started.harness.close();
  const client = await rawClient();
  await client.cleanup(started.names);
}

/** Closes the broker connection named `name` as an operator would (the broker itself keeps running). */
export async function closeConnection(name: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', '--no-table-headers', 'pid', 'client_properties']);
  const row = stdout.split('\n').find((line) => line.includes(`{"connection_name","${name}"}`));
  if (!row) throw new Error(`no broker connection named ${name}`);
  const pid = row.split('\t')[0];
  await run('rabbitmqctl', ['-q', 'close_connection', pid, 'closed by a test']);
}

/** Publishes raw bytes as a broker client other than vCD would; returns a function to read a queue's next message. */
export async function rawClient() {
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  return {
    channel,
    async nextMessage(queue: string, timeoutMs = 5000): Promise<amqp.GetMessage | false> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const msg = await channel.get(queue, { noAck: true });
        if (msg || Date.now() > until) return msg;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** Publishes `[request, context]` as vCD does and resolves with the decoded reply. */
    async request(names: Names, request: Record<string, unknown>, context: Record<string, unknown>) {
      await channel.assertExchange(names.replyExchange, 'direct', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      await channel.bindQueue(queue, names.replyExchange, queue);
      channel.publish(names.exchange, names.routingKey, Buffer.from(JSON.stringify([request, context])), {
        correlationId: String(request.id),
        replyTo: queue,
        headers: { messageType: 'ProcessHttpRequest', replyToExchange: names.replyExchange },
      });
      const msg = await this.nextMessage(queue);
      if (!msg) throw new Error('no reply');
      if (msg.properties.correlationId !== String(request.id)) throw new Error(`reply for ${msg.properties.correlationId}, not ${request.id}`);
      const reply = JSON.parse(msg.content.toString()) as { id: string; statusCode: number; headers: Record<string, string>; body: string };
      return { ...reply, json: JSON.parse(Buffer.from(reply.body, 'base64').toString('utf8') || 'null') };
    },
    close: () => connection.close().catch(() => undefined),
    async cleanup(names: Names) {
      for (const q of [names.queue, `${names.queue}.dead`, names.notificationsQueue, `${names.notificationsQueue}.dead`]) await channel.deleteQueue(q).catch(() => undefined);
      for (const e of [names.exchange, `${names.queue}.dlx`, names.replyExchange, names.notificationsExchange, `${names.notificationsQueue}.dlx`]) {
        await channel.deleteExchange(e).catch(() => undefined);
      }
      await connection.close().catch(() => undefined);
    },
  };
}
