import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';

/** Sets up exchanges, queues and consumers on a fresh channel; runs again after every reconnect. */
export type ChannelSetup = (channel: Channel) => Promise<void>;

export interface ReconnectingOptions {
  url: string;
  /** Shown in RabbitMQ's management as connection_name (a test closes its own connection by it). */
  connectionName: string;
  setup: ChannelSetup;
  log: Logger;
  /** First retry delay, doubling up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * One broker connection and channel that come back on their own: a closed connection (broker restart, network,
 * `rabbitmqctl close_connection`) is retried with exponential backoff and the setup runs again on the new channel.
 */
export class ReconnectingChannel {
  private connection?: ChannelModel;
  private current?: Channel;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private readonly waiters = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private consumer?: { channel: Channel; tag: string };

  constructor(private readonly options: ReconnectingOptions) {}

  /** Connects; resolves after the first attempt either way (a failed one keeps retrying in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The live channel, or undefined while reconnecting. */
  get channel(): Channel | undefined {
    return this.current;
  }

  /** Resolves once a channel is set up (now, or after the next successful reconnect). */
  ready(): Promise<void> {
    if (this.current) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const { log } = this.options;
    let connection: ChannelModel | undefined;
    try {
      connection = await amqp.connect(this.options.url, { noDelay: true, clientProperties: { connection_name: this.options.connectionName } });
      const channel = await connection.createChannel();
      // A channel error (e.g. a declare that fails) closes the channel only: treat it like a lost connection.
      channel.on('error', (err: Error) => log.warn({ err: err.message }, 'amqp channel error'));
      channel.on('close', () => this.lost(connection as ChannelModel));
      connection.on('error', (err: Error) => log.warn({ err: err.message }, 'amqp connection error'));
      connection.on('close', () => this.lost(connection as ChannelModel));
      await this.options.setup(channel);
      if (this.closed) {
        await connection.close().catch(() => undefined);
        return;
      }
      this.connection = connection;
      this.current = channel;
      this.attempt = 0;
      log.info({ connection: this.options.connectionName }, 'amqp connected');
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    } catch (err) {
      log.warn({ err: (err as Error).message, attempt: this.attempt }, 'amqp connect failed; retrying');
      await connection?.close().catch(() => undefined);
      this.schedule();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.current = undefined;
    connection.close().catch(() => undefined);
    if (this.closed) return;
    this.options.log.warn({ connection: this.options.connectionName }, 'amqp connection lost; reconnecting');
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    const base = this.options.baseDelayMs ?? 100;
    const delay = Math.min(this.options.maxDelayMs ?? 5000, base * 2 ** this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  /** Consumes `queue` on the channel being set up; close() stops it and waits for the handlers running. */
  async consume(channel: Channel, queue: string, handle: (msg: ConsumeMessage) => Promise<void>): Promise<void> {
    const { consumerTag } = await channel.consume(queue, (msg) => {
      if (!msg) return;
      const work = handle(msg).catch((err: Error) => this.options.log.error({ err: err.message, queue }, 'amqp message handler failed'));
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
    this.consumer = { channel, tag: consumerTag };
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    if (consumer && consumer.channel === this.current) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    this.current = undefined;
    await connection?.close().catch(() => undefined);
  }
}

/** The dead-letter queue beside a queue: rejected messages end there, visible to the provider. */
export const deadLetterNames = (queue: string) => ({ exchange: `${queue}.dlx`, queue: `${queue}.dead` });

/** Declares a durable queue whose rejected messages go to its dead-letter queue. */
export async function assertQueueWithDeadLetter(channel: Channel, queue: string): Promise<void> {
  const dead = deadLetterNames(queue);
  await channel.assertExchange(dead.exchange, 'fanout', { durable: true });
  await channel.assertQueue(dead.queue, { durable: true });
  await channel.bindQueue(dead.queue, dead.exchange, '');
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-dead-letter-exchange': dead.exchange } });
}
