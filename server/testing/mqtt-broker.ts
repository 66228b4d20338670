import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { WebSocketServer, createWebSocketStream } from 'ws';

/**
 * Test support until (and beside) the mock vCD's bus: a bare aedes broker on ws://127.0.0.1:<port>/messaging/mqtt
 * that lets in the service triplet with one token, and a "vCD" client that sends API_REQUESTs and reads answers.
 */

export const SERVICE = { vendor: 'vcd-serverless', name: 'serverless', version: '1.0.0' };
export const CONTEXT = { user: 'urn:vcloud:user:11111111-1111-1111-1111-111111111111', org: 'urn:vcloud:org:22222222-2222-2222-2222-222222222222', userName: 'admin', orgName: 'acme', roles: ['Organization Administrator'] };

export interface BareBroker {
  url: string;
  broker: Aedes;
  /** Valid logins; remove one to revoke it (its next connect is refused). */
  tokens: Set<string>;
  refusedLogins: number;
  /** Closes every client's connection (the bus dropped); clients may reconnect. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startBareBroker(token: string): Promise<BareBroker> {
  const tokens = new Set([token]);
  const triplet = `${SERVICE.vendor}/${SERVICE.name}/${SERVICE.version}`;
  const state = { refusedLogins: 0 };
  const broker = new Aedes({
    authenticate: (_client, username, password, done) => {
      if (username === 'vcd' || (username === triplet && password && tokens.has(password.toString()))) return done(null, true);
      state.refusedLogins++;
      done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), null);
    },
  });
  await broker.listen();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('mqtt') ? 'mqtt' : false) });
  const server: Server = createServer();
  server.on('upgrade', (req, socket: Duplex, head) => {
    if (req.url !== '/messaging/mqtt') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      broker.handle(stream, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/messaging/mqtt`,
    broker,
    tokens,
    get refusedLogins() {
      return state.refusedLogins;
    },
    dropAll() {
      for (const ws of wss.clients) ws.terminate();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface HttpLike {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** An API_REQUEST as docs/vcd-mqtt.md §4.1 records it. */
export function apiRequest(requestId: string, http: HttpLike, context: Record<string, unknown> = CONTEXT): Buffer {
  const payload = {
    message: {
      request: true,
      id: requestId,
      method: http.method,
      requestUri: http.path,
      queryString: http.query ?? null,
      headers: http.headers ?? {},
      body: http.body ? Buffer.from(http.body).toString('base64') : null,
      statusCode: 0,
    },
    securityContext: context,
    context: {},
  };
  return Buffer.from(
    JSON.stringify({ type: 'API_REQUEST', headers: { requestId, context }, httpRequest: Buffer.from(JSON.stringify(payload)).toString('base64'), linkApiBaseUrl: 'http://vcd/api' }),
  );
}

export interface Answer {
  requestId: string;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** vCD's side of the service's topics: sends requests on monitor, collects every answer on respond. */
export async function vcdSide(url: string, topics: { monitor: string; respond: string }) {
  const client: MqttClient = await mqtt.connectAsync(url, { username: 'vcd', protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  const answers: Answer[] = [];
  const waiting = new Map<string, (a: Answer) => void>();
  client.on('message', (_topic, payload) => {
    const m = JSON.parse(payload.toString()) as { headers: { requestId: string }; httpResponse: { statusCode: number; headers: Record<string, string>; body: string } };
    const a = { requestId: m.headers.requestId, statusCode: m.httpResponse.statusCode, headers: m.httpResponse.headers, body: Buffer.from(m.httpResponse.body, 'base64').toString() };
    answers.push(a);
    waiting.get(a.requestId)?.(a);
  });
  await client.subscribeAsync(topics.respond, { qos: 1 });
  return {
    answers,
    client,
    send: (payload: Buffer | string) => client.publishAsync(topics.monitor, payload, { qos: 1 }),
    /** Sends a request and waits for its answer (rejects after timeoutMs: vCD's 504). */
    async call(http: HttpLike, timeoutMs = 10_000, requestId = randomUUID()): Promise<Answer> {
      const answer = new Promise<Answer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no API_RESPONSE for ${requestId} in ${timeoutMs} ms`)), timeoutMs);
        waiting.set(requestId, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      await client.publishAsync(topics.monitor, apiRequest(requestId, http), { qos: 1 });
      return answer;
    },
    close: () => client.endAsync(true),
  };
}
