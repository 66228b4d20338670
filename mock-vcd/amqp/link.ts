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

interface Live {
  connection: ChannelModel;
  channel: Channel;
  replyQueue: string;
}

/** vCD's broker link; like vCD it reconnects when the broker goes away (requests meanwhile wait, up to their timeout). */
export class MockAmqpLink {
  readonly replyExchange: string;
  readonly notificationsExchange: string;
  readonly timeoutMs: number;
  /** The connection's name in RabbitMQ (tests close it to play a broker restart). */
  readonly connectionName = `mock-vcd-${randomUUID()}`;
  private readonly pending = new Map<string, { resolve: (r: ExtensionReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private live?: Live;
  private closed = false;
  private retryMs = 100;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly options: MockAmqpOptions) {
    this.replyExchange = options.replyExchange ?? 'systemExchange';
    this.notificationsExchange = options.notificationsExchange ?? 'vcd.notifications20';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  static async connect(options: MockAmqpOptions): Promise<MockAmqpLink> {
    const link = new MockAmqpLink(options);
    await link.open();
    return link;
  }

  private async open(): Promise<void> {
    const connection = await amqp.connect(this.options.url, { noDelay: true, clientProperties: { connection_name: this.connectionName } });
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(this.replyExchange, 'direct', { durable: true });
      await channel.assertExchange(this.notificationsExchange, 'topic', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      await channel.bindQueue(queue, this.replyExchange, queue);
      await channel.consume(queue, (msg) => this.onReply(msg), { noAck: true });
      const live = { connection, channel, replyQueue: queue };
      connection.on('error', () => undefined);
      connection.on('close', () => this.lost(live));
      this.live = live;
      this.retryMs = 100;
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  private lost(live: Live): void {
    if (this.live !== live) return;
    this.live = undefined;
    const retry = () => {
      if (this.closed) return;
      this.open().catch(() => {
        this.retryMs = Math.min(this.retryMs * 2, 2000);
        setTimeout(retry, this.retryMs).unref();
      });
    };
    setTimeout(retry, this.retryMs).unref();
  }

  private connected(): Promise<Live> {
    if (this.live) return Promise.resolve(this.live);
    return new Promise((resolve) => this.waiters.add(() => resolve(this.live as Live)));
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
      void this.publishRequest(correlationId, target, message);
    });
  }

  /** Publishes once the link is up; a channel that died under the publish is replaced and the publish repeated. */
  private async publishRequest(correlationId: string, target: { exchange: string; routingKey: string }, message: unknown): Promise<void> {
    while (this.pending.has(correlationId) && !this.closed) {
      const live = await this.connected();
      try {
        live.channel.publish(target.exchange, target.routingKey, Buffer.from(JSON.stringify(message)), {
          correlationId,
          replyTo: live.replyQueue,
          contentType: 'application/json',
          headers: { messageType: 'ProcessHttpRequest', replyToExchange: this.replyExchange },
        });
        return;
      } catch {
        this.lost(live);
      }
    }
  }

  /** vCD's notification: routing key and headers of VCD-WIRE §4. */
  publishNotification(n: VcdNotification): void {
    const uuid = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
    // Fire-and-forget like vCD's: without a broker connection the notification is lost.
    this.live?.channel.publish(this.notificationsExchange, routingKeyOf(n), Buffer.from(JSON.stringify(n)), {
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
    this.closed = true;
    await this.live?.connection.close().catch(() => undefined);
    this.live = undefined;
  }
}
