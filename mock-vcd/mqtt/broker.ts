import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { ExternalService, ExternalServices } from '../extensions/external-services';
import type { SessionStore } from '../sessions/store';
import { BusAuthError, type BusPrincipal, authenticateBus, mayPublish, mayReceive, maySubscribe } from './acl';
import { type ApiResponse, parseApiResponse } from './messages';

export interface MockMqttOptions {
  /** How long an API_REQUEST waits for its API_RESPONSE before the caller gets 504; default 10 s. */
  requestTimeoutMs?: number;
  /** Interval of the `metrics/{org}/{vApp}` publisher; default 20 s like vCD's sampling, 0 = off. */
  metricsIntervalMs?: number;
}

/** What the bus dropped or refused, for tests and `/mock/admin/mqtt`. */
export interface BusStats {
  /** Bytes that were no MQTT (or no WebSocket) frame: the connection is closed, the broker stays up. */
  garbageFrames: number;
  /** Messages on a respond topic that were no valid API_RESPONSE. */
  garbagePayloads: number;
  /** API_RESPONSEs for no waiting request (late, duplicate or unknown id). */
  unmatchedResponses: number;
  refusedConnections: number;
  refusedSubscriptions: number;
  refusedPublishes: number;
}

export class ExtensionTimeout extends Error {}

const MQTT_PATH = '/messaging/mqtt';
class AclError extends Error {}
/** aedes' own errors that are about time or load, not about the bytes. */
const NOT_GARBAGE = /keep alive timeout|did not arrive in time|queue limit/i;

/**
 * vCD's built-in MQTT 3.1.1 broker (aedes) on `/messaging/mqtt` of the mock's own HTTP(S) port: vCD's logins and
 * topic ACLs (acl.ts), clean sessions only, and the request/response correlation of MQTT API extensions.
 */
export class MockMqttBus {
  readonly stats: BusStats = {
    garbageFrames: 0,
    garbagePayloads: 0,
    unmatchedResponses: 0,
    refusedConnections: 0,
    refusedSubscriptions: 0,
    refusedPublishes: 0,
  };
  readonly requestTimeoutMs: number;
  readonly metricsIntervalMs: number;
  private readonly principals = new WeakMap<Client, BusPrincipal>();
  private readonly clients = new Set<Client>();
  private readonly pending = new Map<string, { serviceId: string; resolve: (r: ApiResponse) => void; timer: NodeJS.Timeout }>();
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('mqtt') ? 'mqtt' : false) });
  private broker: Aedes | undefined;
  private refuseUntil = 0;

  constructor(
    private readonly deps: { sessions: SessionStore; services: ExternalServices },
    options: MockMqttOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.metricsIntervalMs = options.metricsIntervalMs ?? 20_000;
    // A revoked token or a deleted service ends its connections at once, as vCD's broker does.
    deps.services.on('tokenRevoked', (t: { id: string }) => this.closeWhere((p) => p.kind === 'service' && p.token.id === t.id));
    deps.services.on('serviceRemoved', (s: ExternalService) => this.closeWhere((p) => p.kind === 'service' && p.service.id === s.id));
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    const broker = new Aedes({
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizeSubscribe: (client, sub, done) => {
        const p = this.principals.get(client);
        if (p && maySubscribe(p, sub.topic)) return done(null, sub);
        this.stats.refusedSubscriptions++;
        done(null, null); // SUBACK 0x80
      },
      authorizePublish: (client, packet, done) => {
        const p = client ? this.principals.get(client) : undefined;
        if (!client) return done(null);
        if (p && mayPublish(p, packet.topic)) {
          packet.retain = false; // an answer is for one request, never for a later subscriber
          return done(null);
        }
        this.stats.refusedPublishes++;
        done(new AclError(`publishing on ${packet.topic} is not allowed`));
      },
      authorizeForward: (client, packet) => {
        const p = this.principals.get(client);
        return p && mayReceive(p, packet.topic) ? packet : null;
      },
    });
    await broker.listen();
    broker.on('clientReady', (c) => this.clients.add(c));
    broker.on('clientDisconnect', (c) => this.clients.delete(c));
    broker.on('clientError', (c, err) => this.onError(c, err));
    broker.on('connectionError', (c, err) => this.onError(c, err));
    broker.on('publish', (packet, client) => {
      const p = client ? this.principals.get(client) : undefined;
      if (p?.kind === 'service' && packet.topic === p.service.mqttTopics.respond) this.onResponse(p.service, packet.payload as Buffer);
    });
    this.broker = broker;
  }

  /** Serves the bus on the server's `/messaging/mqtt` WebSocket upgrade (subprotocol `mqtt`). */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy()); // a client gone mid-handshake is no crash
      const path = (req.url ?? '').split('?')[0];
      const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (path !== MQTT_PATH || !protocols.includes('mqtt') || !this.broker) {
        socket.end(`HTTP/1.1 ${path === MQTT_PATH ? '400 Bad Request' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => stream.destroy());
        this.broker?.handle(stream, req);
      });
    });
  }

  /** Publishes a message from vCD itself (no client: passes every publish ACL, still filtered at delivery). */
  publish(topic: string, payload: Buffer, qos: 0 | 1 = 1): Promise<void> {
    const broker = this.broker;
    if (!broker) return Promise.resolve();
    return new Promise((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends an API_REQUEST to the service's monitor topic and waits for its API_RESPONSE (ExtensionTimeout if none). */
  request(service: ExternalService, requestId: string, message: Buffer): Promise<ApiResponse> {
    if (!this.broker) return Promise.reject(new Error('the MQTT bus is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ExtensionTimeout(`no API_RESPONSE within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(requestId, { serviceId: service.id, resolve, timer });
      this.publish(service.mqttTopics.monitor, message).catch((err: Error) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(err);
      });
    });
  }

  /**
   * Drops every connection, as a cell restart or a network cut does (fault tests), and refuses new ones for
   * `refuseMs` (CONNACK 3, server unavailable); returns how many were dropped.
   */
  disconnectAll(refuseMs = 0): number {
    this.refuseUntil = Date.now() + refuseMs;
    const n = this.clients.size;
    this.closeWhere(() => true);
    return n;
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const ws of this.wss.clients) ws.terminate();
    const broker = this.broker;
    this.broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (err: (Error & { returnCode: number }) | null, ok: boolean | null) => void) {
    const refuse = (err: BusAuthError) => {
      this.stats.refusedConnections++;
      done(Object.assign(new Error(err.message), { returnCode: err.returnCode }), null);
    };
    // The broker keeps no state, so a persistent session cannot be honoured (message-broker.md).
    if (!client.clean) return refuse(new BusAuthError('clean session false is not supported', 2));
    if (Date.now() < this.refuseUntil) return refuse(new BusAuthError('the bus is down (fault injected)', 3));
    try {
      this.principals.set(client, authenticateBus(this.deps, { req: client.req, username, password }));
      done(null, true);
    } catch (err) {
      if (err instanceof BusAuthError) return refuse(err);
      process.stderr.write(`mock-vcd: MQTT authentication failed: ${(err as Error)?.stack ?? err}\n`);
      refuse(new BusAuthError('the broker could not check the login', 5));
    }
  }

  private onResponse(service: ExternalService, payload: Buffer): void {
    let response: ApiResponse;
    try {
      response = parseApiResponse(payload);
    } catch {
      this.stats.garbagePayloads++;
      return;
    }
    const waiting = this.pending.get(response.requestId);
    if (!waiting || waiting.serviceId !== service.id) {
      this.stats.unmatchedResponses++;
      return;
    }
    this.pending.delete(response.requestId);
    clearTimeout(waiting.timer);
    waiting.resolve(response);
  }

  private onError(_client: Client, err: Error & { code?: string }): void {
    // Socket resets are a client going away; anything else from the parser (or ws) is a frame that was no MQTT.
    const benign =
      err instanceof AclError || 'errorCode' in err || NOT_GARBAGE.test(err.message) || (err.code !== undefined && !err.code.startsWith('WS_ERR'));
    if (!benign) this.stats.garbageFrames++;
  }

  private closeWhere(test: (p: BusPrincipal) => boolean): void {
    for (const c of this.clients) {
      const p = this.principals.get(c);
      if (p && test(p)) c.close();
    }
  }
}
