import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { assertQueueWithDeadLetter, ReconnectingChannel } from './connection';

export interface AlertConsumerOptions<T> {
  url: string;
  connectionName: string;
  /** The queue the provider points vROps (or a bridge) at; shared by the replicas. */
  queue: string;
  schema: z.ZodType<T>;
  /** The key two deliveries of one alert share (vROps alert id and status): a repeat within dedupMs is dropped. */
  keyOf: (message: T) => string;
  dedupMs?: number;
  handle: (message: T) => Promise<void>;
  log: Logger;
}

/** How many alert keys the dedup window remembers (oldest forgotten first). */
const MAX_REMEMBERED = 5000;

/**
 * Alerts from a RabbitMQ queue (issue 14: the seed's "more fitted approach" to vROps alerts). A body that does not
 * parse or validate is dead-lettered (`<queue>.dead`) with its reason logged; a repeat of an alert already handled is
 * acked and dropped; a failing handler gets one more delivery, then the message is dead-lettered.
 */
export class AlertConsumer<T> {
  private readonly link: ReconnectingChannel;
  private readonly handled = new Map<string, number>();

  constructor(private readonly options: AlertConsumerOptions<T>) {
    this.link = new ReconnectingChannel({ url: options.url, connectionName: `${options.connectionName}-alerts`, log: options.log, setup: (c) => this.setup(c) });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  ready(): Promise<void> {
    return this.link.ready();
  }

  private async setup(channel: Channel): Promise<void> {
    await assertQueueWithDeadLetter(channel, this.options.queue);
    await channel.prefetch(16);
    await this.link.consume(channel, this.options.queue, (msg) => this.receive(channel, msg));
  }

  /** Whether the key was handled within the dedup window; remembers it otherwise. */
  private repeated(key: string): boolean {
    const now = Date.now();
    const at = this.handled.get(key);
    if (at !== undefined && now - at < (this.options.dedupMs ?? 10 * 60_000)) return true;
    this.handled.delete(key);
    this.handled.set(key, now);
    if (this.handled.size > MAX_REMEMBERED) this.handled.delete(this.handled.keys().next().value as string);
    return false;
  }

  private async receive(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { log } = this.options;
    let message: T;
    try {
      const parsed = this.options.schema.safeParse(JSON.parse(msg.content.toString('utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
      message = parsed.data;
    } catch (err) {
      log.warn({ queue: this.options.queue, reason: (err as Error).message }, 'alert dead-lettered: not a valid alert');
      channel.nack(msg, false, false);
      return;
    }
    const key = this.options.keyOf(message);
    if (this.repeated(key)) {
      log.info({ queue: this.options.queue, alert: key }, 'duplicate alert dropped');
      channel.ack(msg);
      return;
    }
    try {
      await this.options.handle(message);
      if (this.link.channel === channel) channel.ack(msg);
    } catch (err) {
      this.handled.delete(key);
      const retry = !msg.fields.redelivered;
      log.warn({ alert: key, err: (err as Error).message, retry }, 'alert handler failed');
      if (this.link.channel === channel) channel.nack(msg, false, retry);
    }
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}
