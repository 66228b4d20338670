import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { BrokerContext } from '../../http/auth';
import { dispatchInProcess, type RequestHandler } from '../dispatch';
import { assertQueueWithDeadLetter, ReconnectingChannel } from './connection';
import { type ExtensionReply, parseExtensionMessage } from './messages';


export interface ExtensionBridgeOptions {
  url: string;
  connectionName: string;
  exchange: string;
  queue: string;
  routingKey: string;
  prefetch: number;
  handler: RequestHandler;
  log: Logger;
}

/** The reply's lifetime in the broker: vCD has given up on the request by then. */
const REPLY_EXPIRATION_MS = '10000';
/** Methods that change nothing, so a request interrupted by a reconnect may run again. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const STARTED_REMEMBERED = 10_000;

/**
 * vCD's API extension over AMQP (VCD-WIRE §3): consumes `[request, securityContext]` from the extension's queue,
 * dispatches the request into the same Express app in process (no HTTP hop) and publishes the answer to the
 * message's `replyToExchange` with its `reply_to` and `correlation_id`.
 */
export class ExtensionBridge {
  private readonly link: ReconnectingChannel;
  /** Request ids this process started: a redelivered unsafe one is not run twice (vCD answers 504 instead). */
  private readonly started = new Set<string>();

  constructor(private readonly options: ExtensionBridgeOptions) {
    this.link = new ReconnectingChannel({
      url: options.url,
      connectionName: options.connectionName,
      log: options.log,
      setup: (channel) => this.setup(channel),
    });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  ready(): Promise<void> {
    return this.link.ready();
  }

  private async setup(channel: Channel): Promise<void> {
    const { exchange, queue, routingKey, prefetch } = this.options;
    await channel.assertExchange(exchange, 'direct', { durable: true });
    // Competing consumers: every replica consumes the same durable queue.
    await assertQueueWithDeadLetter(channel, queue);
    await channel.bindQueue(queue, exchange, routingKey);
    await channel.prefetch(prefetch);
    await this.link.consume(channel, queue, (msg) => this.handle(channel, msg));
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { log } = this.options;
    const replyTo = msg.properties.replyTo as string | undefined;
    const correlationId = msg.properties.correlationId as string | undefined;
    const replyExchange = msg.properties.headers?.replyToExchange;
    let parsed: ReturnType<typeof parseExtensionMessage>;
    try {
      if (!replyTo || !correlationId || typeof replyExchange !== 'string') {
        throw new Error('the message has no reply_to, correlation_id or replyToExchange header');
      }
      parsed = parseExtensionMessage(msg.content);
    } catch (err) {
      log.warn({ reason: (err as Error).message, deliveryTag: msg.fields.deliveryTag }, 'amqp request dead-lettered');
      channel.nack(msg, false, false);
      return;
    }
    const { request, context } = parsed;
    if (msg.fields.redelivered && this.started.has(request.id) && !SAFE_METHODS.has(request.method)) {
      log.warn({ requestId: request.id, method: request.method }, 'amqp request interrupted by a reconnect; not run twice');
      channel.ack(msg);
      return;
    }
    this.remember(request.id);

    let reply: ExtensionReply;
    try {
      reply = await this.dispatch(request, context);
    } catch (err) {
      // The app answers its own errors; this is the injection itself failing: vCD gets 504, the slot is freed.
      log.error({ requestId: request.id, err: (err as Error).message }, 'amqp request could not be dispatched; dead-lettered');
      if (this.link.channel === channel) channel.nack(msg, false, false);
      return;
    }
    if (this.link.channel !== channel) return; // the channel died meanwhile: the broker redelivers the request
    channel.publish(replyExchange as string, replyTo as string, Buffer.from(JSON.stringify(reply)), {
      correlationId,
      contentType: 'application/json',
      expiration: REPLY_EXPIRATION_MS,
    });
    channel.ack(msg);
  }

  private async dispatch(request: ReturnType<typeof parseExtensionMessage>['request'], context: BrokerContext): Promise<ExtensionReply> {
    const body = request.body ? Buffer.from(request.body, 'base64') : undefined;
    const answer = await dispatchInProcess(this.options.handler, { ...request, body }, context);
    return { id: request.id, headers: answer.headers, statusCode: answer.statusCode, body: answer.body.toString('base64'), request: false };
  }

  private remember(id: string): void {
    this.started.add(id);
    if (this.started.size > STARTED_REMEMBERED) this.started.delete(this.started.values().next().value as string);
  }

  /** Stops consuming; requests being handled finish first (their replies may not reach a closed channel). */
  async close(): Promise<void> {
    await this.link.close();
  }
}
