import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { BrokerContext } from '../../http/auth';
import type { RequestClaims } from '../claims';
import { type BusAnswer, dispatchInProcess, problemAnswer, type RequestHandler } from '../dispatch';
import { assertQueueWithDeadLetter, ReconnectingChannel } from './connection';
import { type ExtensionReply, type ExtensionRequest, parseExtensionMessage } from './messages';

export interface ExtensionBridgeOptions {
  url: string;
  connectionName: string;
  exchange: string;
  queue: string;
  routingKey: string;
  prefetch: number;
  handler: RequestHandler;
  /**
   * The request ids claimed in the store every replica shares: RabbitMQ hands a killed replica's unacked requests to
   * another, which must not run an unsafe one the killed replica had started. Absent = per process only.
   */
  claims?: Pick<RequestClaims, 'claim'>;
  log: Logger;
}

/** The reply's lifetime in the broker: vCD has given up on the request by then. */
const REPLY_EXPIRATION_MS = '10000';
/** Methods that change nothing, so a request interrupted by a reconnect may run again. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const STARTED_REMEMBERED = 10_000;
const STORE_UNAVAILABLE = problemAnswer(503, 'unavailable', 'Service Unavailable', 'the backend cannot reach its store; try again shortly');

/**
 * vCD's API extension over AMQP (VCD-WIRE §3): consumes `[request, securityContext]` from the extension's queue,
 * dispatches the request into the same Express app in process (no HTTP hop) and publishes the answer to the
 * message's `replyToExchange` with its `reply_to` and `correlation_id`.
 */
export class ExtensionBridge {
  private readonly link: ReconnectingChannel;
  /** Request ids this process started: a redelivered unsafe one is not run twice (vCD answers 504 instead) without asking the store. */
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
    const admitted = await this.admit(request, msg.fields.redelivered);
    if (admitted === 'drop') {
      if (this.link.channel === channel) channel.ack(msg); // a dead channel's deliveries are gone anyway
      return;
    }
    this.remember(request.id);

    let reply: ExtensionReply;
    try {
      reply = admitted === 'unavailable' ? this.replyOf(request.id, STORE_UNAVAILABLE) : await this.dispatch(request, context);
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

  /**
   * Safe methods run again by contract (docs/deploy.md). An unsafe request runs only where its id is claimed first:
   * a copy of one this or another replica started (redelivered after a reconnect or a kill -9) is acked and
   * dropped, so it ends once or as vCD's 504, never twice.
   */
  private async admit(request: ExtensionRequest, redelivered: boolean): Promise<'run' | 'drop' | 'unavailable'> {
    if (SAFE_METHODS.has(request.method)) return 'run';
    const { log, claims } = this.options;
    const about = { requestId: request.id, method: request.method, redelivered };
    if (redelivered && this.started.has(request.id)) {
      log.warn(about, 'amqp request interrupted by a reconnect; not run twice');
      return 'drop';
    }
    if (!claims) return 'run';
    try {
      if (await claims.claim(request.id)) return 'run';
    } catch (err) {
      // Without the store no replica can tell whether another started it; the app could not serve it either.
      log.warn({ ...about, err: (err as Error).message }, 'amqp request not claimed: the store is unavailable');
      return 'unavailable';
    }
    log.warn(about, 'amqp request claimed before (by a replica killed or cut off while running it); not run twice');
    return 'drop';
  }

  private async dispatch(request: ExtensionRequest, context: BrokerContext): Promise<ExtensionReply> {
    const body = request.body ? Buffer.from(request.body, 'base64') : undefined;
    return this.replyOf(request.id, await dispatchInProcess(this.options.handler, { ...request, body }, context));
  }

  private replyOf(id: string, answer: BusAnswer): ExtensionReply {
    return { id, headers: answer.headers, statusCode: answer.statusCode, body: answer.body.toString('base64'), request: false };
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
