import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginAsProvider, loginAsTenant, registerApiExtension } from '../bin/lib/vcd-provider';
import { type RunningMockVcd, startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { freshStore } from '../server/testing/harness';
import { registerMqttService } from '../server/testing/mqtt-service';
import { Figures, percentile } from './figures';
import { latencies, rps, timedGet } from './http-load';

/**
 * mqtt.bridge.* beside http.forward.*: the same function call through the mock vCD's MQTT bus (API_REQUEST →
 * backend in process → API_RESPONSE) and through its HTTP forwarding to the same backend, interleaved in one run;
 * then mqtt.replicas2.rps: two backend processes on one PostgreSQL claiming requests off the bus, against one.
 */

const root = path.resolve(__dirname, '..');
const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Hello ' + (event.query.name || 'world') } });`;

async function auth(mock: RunningMockVcd): Promise<Record<string, string>> {
  const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}

async function createHello(mock: RunningMockVcd, headers: Record<string, string>): Promise<void> {
  const res = await fetch(`${mock.url}/api/org/acme/faas/functions`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'hello', runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route: 'hello' } }),
  });
  if (res.status !== 202) throw new Error(`create hello: ${res.status} ${await res.text()}`);
  for (;;) {
    const fn = (await (await fetch(`${mock.url}/api/org/acme/faas/functions/hello`, { headers })).json()) as { status: string };
    if (fn.status === 'ready') return;
    if (fn.status === 'failed') throw new Error('hello failed to build');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A backend replica in a process of its own, as a provider runs them; resolves once it is on the bus. */
async function replicaProcess(mock: RunningMockVcd, env: Record<string, string>, connected: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', VCD_URL: mock.url, VCD_TRANSPORT: 'mqtt', LOG_LEVEL: 'warn', CONTAINER_ENGINE: 'off', ORG_RATE_LIMIT_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600 && mock.state.mqtt.connectedClients < connected; i++) await new Promise((r) => setTimeout(r, 100));
  if (mock.state.mqtt.connectedClients < connected) throw new Error('a backend replica did not connect to the bus within 60 s');
  return child;
}

/** A replica counts as connected at CONNACK, before its subscription: wait for a first answer. */
async function answered(url: string, auth: Record<string, string>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (await timedGet(url, auth).then(() => true, () => false)) return;
  }
  throw new Error(`${url} did not answer after the replicas started`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function benchMqtt(figures: Figures, options: { quick: boolean }): Promise<void> {
  const n = options.quick ? 300 : 2000;
  const seconds = options.quick ? 3 : 10;
  const secret = randomBytes(32).toString('hex');
  const store = await freshStore('postgres');
  const dirs = [mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-mqtt-')), mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-mqtt-'))];
  const children: ChildProcess[] = [];
  const mockBus = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal', sharedSecret: secret, mqtt: { metricsIntervalMs: 0 } });
  const { token } = await registerMqttService(mockBus.url);
  const backend = await startServer({ port: 0, vcdUrl: mockBus.url, logLevel: 'silent', extensionSharedSecret: secret, containerEngine: 'off', vcdTransport: 'mqtt', mqttToken: token, ...store.overrides });
  const mockHttp = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal', sharedSecret: secret, mqtt: { metricsIntervalMs: 0 }, httpExtensions: { serverless: backend.url } });
  try {
    await registerApiExtension(await loginAsProvider({ vcdUrl: mockHttp.url, user: 'administrator@System', password: 'provider-demo' }));
    const busAuth = await auth(mockBus);
    const httpAuth = await auth(mockHttp);
    await createHello(mockBus, busAuth);
    const viaBus = `${mockBus.url}/api/org/acme/hello?name=bench`;
    const viaHttp = `${mockHttp.url}/api/org/acme/hello?name=bench`;

    await latencies(viaHttp, httpAuth, 200);
    await latencies(viaBus, busAuth, 200);
    // Interleaved so both see the same machine noise; the forward goes to the same backend process.
    const forward: number[] = [];
    const bridge: number[] = [];
    for (let round = 0; round < 4; round++) {
      forward.push(...(await latencies(viaHttp, httpAuth, n / 4)));
      bridge.push(...(await latencies(viaBus, busAuth, n / 4)));
    }
    forward.sort((a, b) => a - b);
    bridge.sort((a, b) => a - b);
    const forwardP50 = percentile(forward, 50);
    const note = 'baseline: http.forward to the same backend, interleaved in this run';
    figures.add('mqtt.bridge.p50_ms', { value: percentile(bridge, 50), unit: 'ms', baseline: forwardP50, ratio: percentile(bridge, 50) / forwardP50, note });
    figures.add('mqtt.bridge.p99_ms', { value: percentile(bridge, 99), unit: 'ms', baseline: percentile(forward, 99), ratio: percentile(bridge, 99) / percentile(forward, 99) });
    const forwardRps = await rps(viaHttp, httpAuth, seconds);
    const bridgeRps = await rps(viaBus, busAuth, seconds);
    figures.add('mqtt.bridge.rps', { value: bridgeRps, unit: 'req/s', baseline: forwardRps, ratio: bridgeRps / forwardRps, note: 'baseline: http.forward rps measured right before' });

    // Replicas in processes of their own on one PostgreSQL: every one receives every request, one claims it.
    await backend.close();
    for (let i = 0; i < 100 && mockBus.state.mqtt.connectedClients > 0; i++) await new Promise((r) => setTimeout(r, 50));
    const env = { DATABASE_URL: store.overrides.databaseUrl as string, VCD_EXTENSION_TOKEN: token, EXTENSION_SHARED_SECRET: secret };
    await benchReplicas(figures, { mock: mockBus, url: viaBus, auth: busAuth, env, dirs, children, seconds });
  } finally {
    for (const c of children) await stop(c);
    await backend.close();
    await mockHttp.close();
    await mockBus.close();
    await store.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

interface ReplicaBench {
  mock: RunningMockVcd;
  url: string;
  auth: Record<string, string>;
  env: Record<string, string>;
  dirs: string[];
  /** Filled with the processes started, for the caller to stop. */
  children: ChildProcess[];
  seconds: number;
}

/** mqtt.replicas2.rps against mqtt.replicas1.rps: one, then two backend processes on the bus. */
async function benchReplicas(figures: Figures, b: ReplicaBench): Promise<void> {
  b.children.push(await replicaProcess(b.mock, { ...b.env, DATA_DIR: b.dirs[0], MQTT_REPLICA_ID: 'bench-1' }, 1));
  await answered(b.url, b.auth);
  await latencies(b.url, b.auth, 200);
  const oneRps = await rps(b.url, b.auth, b.seconds);
  b.children.push(await replicaProcess(b.mock, { ...b.env, DATA_DIR: b.dirs[1], MQTT_REPLICA_ID: 'bench-2' }, 2));
  await answered(b.url, b.auth);
  await latencies(b.url, b.auth, 200);
  const twoRps = await rps(b.url, b.auth, b.seconds);
  figures.add('mqtt.replicas1.rps', { value: oneRps, unit: 'req/s', note: 'one backend process on the bus' });
  figures.add('mqtt.replicas2.rps', {
    value: twoRps,
    unit: 'req/s',
    baseline: oneRps,
    ratio: twoRps / oneRps,
    note: `two backend processes, one PostgreSQL; ${os.cpus().length} CPUs shared with the mock vCD, its broker and the load generator`,
  });
}
