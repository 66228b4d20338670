import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { type VcdNotification, routingKeyOf } from '../infra/notifications';

/** vCD's side of RabbitMQ (VCD-WIRE §3, §4): extension requests out, their replies in, notifications out. */
export interface MockAmqpOptions {
  url: string;
  /** vCD's own exchange its extension replies come back on (the AMQP settings' exchange); default `systemExchange`. */
  replyExchange?: string;
  /** The notification topic exchange; default `vcd.notifications20`. */
  notificationsExchange?: string;
  /** How long vCD waits for an extension's reply before answering 504; default 10 s. */
  timeoutMs?: number;
}

/** The reply body an extension publishes (VCD-WIRE §3). */
export interface ExtensionReply {
  id?: string;
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export class ExtensionTimeout extends Error {}

export class MockAmqpLink {
  readonly replyExchange: string;
  readonly notificationsExchange: string;
  readonly timeoutMs: number;
  private readonly pending = new Map<string, { resolve: (r: ExtensionReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly replyQueue: string,
    options: MockAmqpOptions,
  ) {
    this.replyExchange = options.replyExchange ?? 'systemExchange';
    this.notificationsExchange = options.notificationsExchange ?? 'vcd.notifications20';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  static async connect(options: MockAmqpOptions): Promise<MockAmqpLink> {
    const connection = await amqp.connect(options.url, { noDelay: true, clientProperties: { connection_name: `mock-vcd-${randomUUID()}` } });
    try {
      const channel = await connection.createChannel();
      const replyExchange = options.replyExchange ?? 'systemExchange';
      await channel.assertExchange(replyExchange, 'direct', { durable: true });
      await channel.assertExchange(options.notificationsExchange ?? 'vcd.notifications20', 'topic', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      await channel.bindQueue(queue, replyExchange, queue);
      const link = new MockAmqpLink(connection, channel, queue, options);
      await channel.consume(queue, (msg) => link.onReply(msg), { noAck: true });
      return link;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  private onReply(msg: ConsumeMessage | null): void {
    if (!msg) return;
    const waiter = this.pending.get(String(msg.properties.correlationId));
    if (!waiter) return; // late: vCD already answered 504
    this.pending.delete(String(msg.properties.correlationId));
    clearTimeout(waiter.timer);
    try {
      const reply = JSON.parse(msg.content.toString('utf8')) as ExtensionReply;
      if (typeof reply.statusCode !== 'number') throw new Error('no statusCode');
      waiter.resolve(reply);
    } catch (err) {
      waiter.reject(new Error(`the extension's reply is not vCD's reply format (${(err as Error).message})`));
    }
  }

  /** Publishes `[request, securityContext]` to the service's exchange and waits for the reply or the timeout. */
  request(target: { exchange: string; routingKey: string }, message: [Record<string, unknown>, Record<string, unknown>]): Promise<ExtensionReply> {
    const correlationId = randomUUID();
    return new Promise<ExtensionReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new ExtensionTimeout(`no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.channel.publish(target.exchange, target.routingKey, Buffer.from(JSON.stringify(message)), {
        correlationId,
        replyTo: this.replyQueue,
        contentType: 'application/json',
        headers: { messageType: 'ProcessHttpRequest', replyToExchange: this.replyExchange },
      });
    });
  }

  /** vCD's notification: routing key and headers of VCD-WIRE §4. */
  publishNotification(n: VcdNotification): void {
    const uuid = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
    this.channel.publish(this.notificationsExchange, routingKeyOf(n), Buffer.from(JSON.stringify(n)), {
      contentType: 'application/json',
      messageId: n.eventId,
      headers: {
        'notification.type': n.type,
        'notification.entityType': n.entity.split(':')[2] ?? '',
        'notification.entityUUID': uuid(n.entity),
        'notification.orgUUID': uuid(n.org),
        'notification.userUUID': uuid(n.user),
        'notification.operationSuccess': String(n.operationSuccess),
      },
    });
  }

  async close(): Promise<void> {
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('vCD is shutting down'));
      this.pending.delete(id);
    }
    await this.connection.close().catch(() => undefined);
  }
}
