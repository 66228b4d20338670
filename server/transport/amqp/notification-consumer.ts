import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { type VcdNotification, vcdNotificationSchema } from '../../vcd/notification';
import { assertQueueWithDeadLetter, ReconnectingChannel } from './connection';

export interface NotificationConsumerOptions {
  url: string;
  connectionName: string;
  /** vCD's topic exchange, `<prefix>.notifications20`. */
  exchange: string;
  /** Shared by the replicas: each notification reaches one of them. */
  queue: string;
  /** Topic bindings (VCD-WIRE §4); default every notification. */
  bindings?: string[];
  prefetch?: number;
  handle: (n: VcdNotification) => Promise<void>;
  log: Logger;
}

/**
 * vCD notifications from RabbitMQ (VCD-WIRE §4) handed to the features. Acked after the handler finished; a body
 * that is not a notification is dead-lettered; a failing handler gets one more try, then the notification is
 * dead-lettered too (handlers are idempotent by eventId, so a retry never runs a function twice).
 */
export class NotificationConsumer {
  private readonly link: ReconnectingChannel;

  constructor(private readonly options: NotificationConsumerOptions) {
    this.link = new ReconnectingChannel({ url: options.url, connectionName: `${options.connectionName}-notifications`, log: options.log, setup: (c) => this.setup(c) });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  ready(): Promise<void> {
    return this.link.ready();
  }

  private async setup(channel: Channel): Promise<void> {
    const { exchange, queue } = this.options;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await assertQueueWithDeadLetter(channel, queue);
    for (const key of this.options.bindings ?? ['#']) await channel.bindQueue(queue, exchange, key);
    await channel.prefetch(this.options.prefetch ?? 16);
    await this.link.consume(channel, queue, (msg) => this.handle(channel, msg));
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { log } = this.options;
    let notification: VcdNotification;
    try {
      const parsed = vcdNotificationSchema.safeParse(JSON.parse(msg.content.toString('utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      notification = parsed.data;
    } catch (err) {
      log.warn({ reason: (err as Error).message, routingKey: msg.fields.routingKey }, 'vCD notification dead-lettered: not a notification');
      channel.nack(msg, false, false);
      return;
    }
    try {
      await this.options.handle(notification);
      if (this.link.channel === channel) channel.ack(msg);
    } catch (err) {
      const retry = !msg.fields.redelivered;
      log.warn({ eventId: notification.eventId, type: notification.type, err: (err as Error).message, retry }, 'vCD notification handler failed');
      if (this.link.channel === channel) channel.nack(msg, false, retry);
    }
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}
