import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/** How the link proves who it is; asked again before every attempt (a token may have been rotated meanwhile). */
export interface MqttCredentials {
  username?: string;
  password?: string;
  /** Sent on the WebSocket upgrade (vCD's notification login: `Authorization: Bearer <JWT>`). */
  headers?: Record<string, string>;
}

export interface MqttTls {
  /** PEM of the CA that signed vCD's certificate (VCD_CA_FILE). */
  ca?: string;
  /** Lab vCDs only (VCD_INSECURE_TLS=1): the certificate is not checked. */
  insecure?: boolean;
}

export interface MqttLinkOptions {
  /** ws(s)://<vcd>/messaging/mqtt */
  url: string;
  /** What the log lines call this link. */
  name: string;
  credentials: () => Promise<MqttCredentials>;
  /** Subscribes on a fresh connection: vCD's broker keeps no session, so after every reconnect. */
  setup: (client: MqttClient) => Promise<void>;
  onMessage: (topic: string, payload: Buffer) => void;
  tls?: MqttTls;
  log: Logger;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const CREDENTIALS_RETRY_MS = 1000;

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3) that mean the credentials, not the network. */
const REFUSED: Record<number, string> = { 4: 'bad user name or password', 5: 'not authorized' };

/**
 * One MQTT 3.1.1 connection to vCD's bus that comes back on its own: clean session (vCD's broker keeps none),
 * exponential backoff with jitter, the setup (subscriptions) run again on every new connection. A refused login
 * (expired or revoked token) is logged as such and retried at the backoff's pace, never in a tight loop.
 */
export class MqttLink {
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private lastCredentialError?: string;
  private closed = false;
  private live = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: MqttLinkOptions) {}

  /** Connects; resolves after the first attempt either way (a failed one keeps retrying in the background). */
  start(): Promise<void> {
    return new Promise((resolve) => void this.connect(resolve));
  }

  get connected(): boolean {
    return this.live;
  }

  /** Resolves once subscribed (now, or after the next successful reconnect). */
  ready(): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Publishes on the live connection; false when there is none (the answer is lost, vCD answers 504). */
  async publish(topic: string, payload: Buffer): Promise<boolean> {
    const client = this.client;
    if (!client || !this.live) return false;
    try {
      await client.publishAsync(topic, payload, { qos: 1 });
      return true;
    } catch (err) {
      this.options.log.warn({ link: this.options.name, topic, err: (err as Error).message }, 'mqtt publish failed');
      return false;
    }
  }

  private async connect(done?: () => void): Promise<void> {
    if (this.closed) return done?.();
    const { log, name, tls } = this.options;
    let credentials: MqttCredentials;
    try {
      credentials = await this.options.credentials();
    } catch (err) {
      // Nothing to send yet (e.g. deploy has not written the token): look again soon, say it once.
      const message = (err as Error).message;
      if (message !== this.lastCredentialError) log.warn({ link: name, err: message }, 'mqtt credentials unavailable; looking again every second');
      this.lastCredentialError = message;
      this.schedule(CREDENTIALS_RETRY_MS);
      return done?.();
    }
    this.lastCredentialError = undefined;
    const options: IClientOptions = {
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0, // this class reconnects, with backoff
      connectTimeout: 10_000,
      keepalive: 30,
      username: credentials.username,
      password: credentials.password,
      ca: tls?.ca,
      rejectUnauthorized: !tls?.insecure,
      wsOptions: { headers: credentials.headers ?? {} },
      resubscribe: false,
    };
    const client = mqtt.connect(this.options.url, options);
    this.client = client;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        done?.();
      }
    };
    client.on('message', (topic, payload) => this.options.onMessage(topic, payload));
    client.on('connect', () => void this.connected_(client).finally(settle));
    client.on('error', (err: Error & { code?: number }) => {
      const refused = typeof err.code === 'number' ? REFUSED[err.code] : undefined;
      if (refused) log.error({ link: name, code: err.code, user: credentials.username }, `vCD's bus refused the login (${refused}): the token is expired, revoked or wrong; retrying with backoff`);
      else log.warn({ link: name, err: err.message }, 'mqtt error');
    });
    client.on('close', () => {
      if (this.client !== client) return;
      const wasLive = this.live;
      this.live = false;
      client.removeAllListeners('message');
      client.end(true);
      this.client = undefined;
      if (!this.closed) {
        if (wasLive) log.warn({ link: name }, 'mqtt connection lost; reconnecting');
        this.schedule();
      }
      settle();
    });
  }

  private async connected_(client: MqttClient): Promise<void> {
    try {
      await this.options.setup(client);
    } catch (err) {
      this.options.log.warn({ link: this.options.name, err: (err as Error).message }, 'mqtt subscribe failed; reconnecting');
      client.end(true);
      return;
    }
    if (this.client !== client) return;
    this.live = true;
    this.attempt = 0;
    this.options.log.info({ link: this.options.name }, 'mqtt connected');
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private schedule(fixedMs?: number): void {
    if (this.closed || this.timer) return;
    const base = this.options.baseDelayMs ?? 200;
    const ceiling = Math.min(this.options.maxDelayMs ?? 10_000, base * 2 ** this.attempt);
    const delay = fixedMs ?? ceiling / 2 + Math.random() * (ceiling / 2);
    if (fixedMs === undefined) this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.live = false;
    if (client) await client.endAsync().catch(() => undefined);
  }
}
