import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { dispatchInProcess, problemAnswer, type RequestHandler } from '../dispatch';
import type { RequestClaims } from '../claims';
import { MqttLink, type MqttTls } from './link';
import { type ApiRequest, apiResponse, messageType, parseApiRequest } from './messages';

export interface ExternalServiceId {
  vendor: string;
  name: string;
  version: string;
}

export interface MqttExtensionOptions {
  /** ws(s)://<vcd>/messaging/mqtt */
  url: string;
  service: ExternalServiceId;
  /** The EXTENSION token, read again before every connect (deploy may have issued a new one). */
  token: () => Promise<string>;
  handler: RequestHandler;
  /** Absent = this replica is alone (PGlite): a local memory of request ids is enough. */
  claims?: RequestClaims;
  /** Requests run at once; the rest wait here (their copies on other replicas are claimed there meanwhile). */
  maxInFlight: number;
  /**
   * A request that waited in this replica longer than this is not run: its caller gave up long ago. Measured from the
   * message's arrival, because vCD's API_REQUEST and MQTT 3.1.1 carry no timestamp (docs/vcd-mqtt.md §4.1).
   */
  expiryMs: number;
  tls?: MqttTls;
  log: Logger;
  /** Reconnect backoff (tests shorten it). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface ExtensionStats {
  received: number;
  answered: number;
  /** Not JSON, not an API_REQUEST that decodes: logged and dropped. */
  malformed: number;
  /** Other message types on the topic (vCD's consumers ignore what they do not handle). */
  ignored: number;
  /** Older than the expiry when their turn came: not run. */
  expired: number;
  /** Claimed by another replica (or a duplicate delivery): not run here. */
  skipped: number;
  /** Answers that could not be published (the bus was down until the caller had given up). */
  lost: number;
}

interface Queued {
  request: ApiRequest;
  /** When the bus delivered it: the only clock a request has (it carries no timestamp of its own). */
  receivedAt: number;
}

const SEEN_REMEMBERED = 10_000;
/** An answer waits this long at most for the bus to come back: vCD's caller has given up by then (504). */
const ANSWER_WAIT_MS = 30_000;

/** vCD's topics for an external service (docs/vcd-mqtt.md §3). */
export const serviceTopics = ({ vendor, name, version }: ExternalServiceId) => ({
  monitor: `topic/extension/${vendor}/${name}/${version}/ext`,
  respond: `topic/extension/${vendor}/${name}/${version}/vcd`,
});

/**
 * The backend as a vCD external service on vCD's MQTT bus (docs/vcd-mqtt.md): each API_REQUEST on the monitor
 * topic is claimed (one replica runs it), dispatched into the same Express app in process and answered with an
 * API_RESPONSE on the respond topic. Bad messages are counted and dropped; the consumer never stops for them.
 */
export class MqttExtensionService {
  private readonly link: MqttLink;
  private readonly topics: { monitor: string; respond: string };
  private readonly queue: Queued[] = [];
  private readonly seen = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private inFlight = 0;
  private closing = false;
  readonly stats: ExtensionStats = { received: 0, answered: 0, malformed: 0, ignored: 0, expired: 0, skipped: 0, lost: 0 };

  constructor(private readonly options: MqttExtensionOptions) {
    const { service } = options;
    this.topics = serviceTopics(service);
    const username = `${service.vendor}/${service.name}/${service.version}`;
    this.link = new MqttLink({
      url: options.url,
      name: `extension ${username}`,
      credentials: async () => ({ username, password: await options.token() }),
      setup: (client) => this.subscribe(client),
      onMessage: (_topic, payload) => this.receive(payload),
      tls: options.tls,
      log: options.log,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
    });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  ready(): Promise<void> {
    return this.link.ready();
  }

  private async subscribe(client: MqttClient): Promise<void> {
    const granted = await client.subscribeAsync(this.topics.monitor, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) throw new Error(`vCD refused the subscription to ${this.topics.monitor}: is the token this service's?`);
  }

  private receive(payload: Buffer): void {
    if (this.closing) return;
    const { log } = this.options;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.stats.malformed++;
      log.warn({ bytes: payload.length, malformed: this.stats.malformed }, 'mqtt message dropped: not JSON');
      return;
    }
    const type = messageType(json);
    if (type !== undefined && type !== 'API_REQUEST') {
      this.stats.ignored++;
      return;
    }
    let request: ApiRequest;
    try {
      request = parseApiRequest(json);
    } catch (err) {
      this.stats.malformed++;
      log.warn({ reason: (err as Error).message, malformed: this.stats.malformed }, 'mqtt message dropped: not an API_REQUEST');
      return;
    }
    this.stats.received++;
    // QoS 1 may deliver twice: the second copy of a request this replica saw is not queued again.
    if (this.seen.has(request.requestId)) {
      this.stats.skipped++;
      return;
    }
    this.seen.add(request.requestId);
    if (this.seen.size > SEEN_REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
    this.queue.push({ request, receivedAt: Date.now() });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length) {
      const next = this.queue.shift() as Queued;
      this.inFlight++;
      const work = this.handle(next)
        .catch((err: Error) => this.options.log.error({ requestId: next.request.requestId, err: err.message }, 'mqtt request handling failed'))
        .finally(() => {
          this.inFlight--;
          this.running.delete(work);
          this.pump();
        });
      this.running.add(work);
    }
  }

  private async handle({ request, receivedAt }: Queued): Promise<void> {
    const { log, claims } = this.options;
    const { requestId } = request;
    if (Date.now() - receivedAt > this.options.expiryMs) {
      this.stats.expired++;
      log.warn({ requestId, waitedMs: Date.now() - receivedAt }, 'mqtt request expired before its turn; not run');
      return;
    }
    let answer;
    try {
      if (claims && !(await claims.claim(requestId))) {
        this.stats.skipped++;
        return;
      }
    } catch (err) {
      // Without the store no replica can tell who runs it; the app could not serve it either.
      log.warn({ requestId, err: (err as Error).message }, 'mqtt request not claimed: the store is unavailable');
      answer = problemAnswer(503, 'unavailable', 'Service Unavailable', 'the backend cannot reach its store; try again shortly');
    }
    answer ??= await dispatchInProcess(this.options.handler, request.request, request.context);
    await this.answer(requestId, apiResponse(requestId, answer), receivedAt);
  }

  /** Publishes the answer; a bus that is down is waited for while the caller may still be waiting. */
  private async answer(requestId: string, message: Buffer, receivedAt: number): Promise<void> {
    const deadline = receivedAt + Math.min(this.options.expiryMs, ANSWER_WAIT_MS);
    for (;;) {
      if (await this.link.publish(this.topics.respond, message)) {
        this.stats.answered++;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closing) break;
      await Promise.race([this.link.ready(), new Promise((r) => setTimeout(r, Math.min(left, 1000)).unref())]);
    }
    this.stats.lost++;
    this.options.log.warn({ requestId }, 'mqtt answer lost: the bus was down until the request expired');
  }

  /** Stops taking requests; those running finish and are answered first. */
  async close(): Promise<void> {
    this.closing = true;
    this.queue.length = 0;
    await Promise.allSettled([...this.running]);
    await this.link.close();
  }
}
