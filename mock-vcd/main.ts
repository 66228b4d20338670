import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import https from 'node:https';
import { type MockVcdOptions, createMockVcd } from './app';
import type { MockVcdState } from './state';
import { MockAmqpLink, type MockAmqpOptions } from './amqp/link';
import { ensureMockCertificate } from './http/tls';
import { publishInfraOnBus } from './mqtt/publishers';

export interface StartMockVcdOptions extends MockVcdOptions {
  port?: number;
  host?: string;
  /** AMQP mode: extension requests and notifications through RabbitMQ as vCD does (VCD_AMQP_URL). */
  amqp?: MockAmqpOptions;
  /** HTTPS like vCD (MOCK_VCD_TLS=1): a self-signed certificate made once into `dir` (issue 12 item 5). */
  tls?: { dir: string };
}

export interface RunningMockVcd {
  url: string;
  port: number;
  state: MockVcdState;
  /** `ws(s)://host:port/messaging/mqtt`, vCD's MQTT bus. */
  mqttUrl: string;
  /** With tls: the PEM certificate a client trusts (it is self-signed, so also the CA file). */
  caFile?: string;
  close(): Promise<void>;
}

/** Starts the mock vCD on host:port (default 127.0.0.1, port 0 = any free port). */
export async function startMockVcd(options: StartMockVcdOptions = {}): Promise<RunningMockVcd> {
  const { port = 0, host = '127.0.0.1', amqp, tls: _tls, ...appOptions } = options;
  const { app, state } = createMockVcd(appOptions);
  if (amqp) {
    const link = await MockAmqpLink.connect(amqp);
    state.amqp = link;
    state.infra.notifier.on('notification', (n) => link.publishNotification(n));
  }
  const tls = options.tls ? ensureMockCertificate(options.tls.dir, { host }) : undefined;
  const server: Server = await new Promise((resolve, reject) => {
    const s = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : app;
    const listening = s.listen(port, host, () => resolve(listening));
    listening.once('error', reject);
  });
  // vCD's MQTT bus on the same port (issue 12): notifications and metrics pushed, API extensions served.
  await state.mqtt.start();
  state.mqtt.attach(server);
  const stopPublishing = publishInfraOnBus(state.mqtt, state.infra);
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${actualPort}`,
    port: actualPort,
    state,
    mqttUrl: `${tls ? 'wss' : 'ws'}://${urlHost}:${actualPort}/messaging/mqtt`,
    caFile: tls?.certFile,
    close: () =>
      new Promise<void>((resolve, reject) => {
        state.infra.stop();
        state.vrops.stop();
        stopPublishing();
        const closed = Promise.all([state.amqp?.close(), state.mqtt.close()]);
        server.close((err) => (err ? reject(err) : closed.then(() => resolve())));
        server.closeAllConnections();
      }),
  };
}

/** `serverless=http://127.0.0.1:8089,other=http://...` → { serverless: 'http://127.0.0.1:8089', ... } */
export function parseHttpExtensions(value: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of (value ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`MOCK_VCD_HTTP_EXTENSIONS entry "${entry}" is not namespace=url`);
    const url = entry.slice(eq + 1).trim();
    new URL(url); // throws on a malformed URL
    result[entry.slice(0, eq).trim()] = url.replace(/\/+$/, '');
  }
  return result;
}

/** `a,b , c` → ['a', 'b', 'c'] */
const listOf = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);

if (require.main === module) {
  const port = Number(process.env.MOCK_VCD_PORT ?? 8088);
  const host = process.env.MOCK_VCD_HOST ?? '127.0.0.1';
  startMockVcd({
    port,
    host,
    httpExtensions: parseHttpExtensions(process.env.MOCK_VCD_HTTP_EXTENSIONS),
    sharedSecret: process.env.EXTENSION_SHARED_SECRET || undefined,
    portalDir: process.env.MOCK_VCD_PORTAL_DIR || undefined,
    amqp: process.env.VCD_AMQP_URL
      ? {
          url: process.env.VCD_AMQP_URL,
          timeoutMs: process.env.MOCK_VCD_AMQP_TIMEOUT_MS ? Number(process.env.MOCK_VCD_AMQP_TIMEOUT_MS) : undefined,
          notificationsExchange: process.env.MOCK_VCD_NOTIFICATIONS_EXCHANGE || undefined,
        }
      : undefined,
    infra: {
      taskDelayMs: Number(process.env.MOCK_VCD_TASK_DELAY_MS ?? 0),
      metricsSampleMs: Number(process.env.MOCK_VCD_METRICS_SAMPLE_MS ?? 20_000),
      notificationTargets: listOf(process.env.MOCK_VCD_NOTIFICATION_TARGETS),
    },
    mqtt: {
      requestTimeoutMs: process.env.MOCK_VCD_MQTT_TIMEOUT_MS ? Number(process.env.MOCK_VCD_MQTT_TIMEOUT_MS) : undefined,
      metricsIntervalMs: process.env.MOCK_VCD_MQTT_METRICS_MS ? Number(process.env.MOCK_VCD_MQTT_METRICS_MS) : undefined,
    },
    tls: process.env.MOCK_VCD_TLS === '1' ? { dir: path.join(process.env.MOCK_VCD_DATA_DIR || '.data/mock-vcd', 'tls') } : undefined,
    vrops: {
      intervalMs: Number(process.env.MOCK_VROPS_INTERVAL_MS ?? 10_000),
      restTargets: listOf(process.env.MOCK_VROPS_REST_TARGETS).map((url) => ({ url })),
      snmpTargets: listOf(process.env.MOCK_VROPS_SNMP_TARGETS).map((hostPort) => {
        const [host, port] = hostPort.split(':');
        return { host, port: Number(port ?? 162), community: 'public' };
      }),
    },
  })
    .then((mock) => {
      process.stdout.write(`mock vCD listening on ${mock.url} (portal: ${mock.url}/login, MQTT bus: ${mock.mqttUrl})\n`);
      if (mock.caFile) process.stdout.write(`mock vCD certificate (trust it as the CA): MOCK_VCD_CA_FILE=${mock.caFile}\n`);
      const stop = () => mock.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err) => {
      process.stderr.write(`mock vCD failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
