import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { loginAsProvider, loginAsTenant, registerApiExtension } from '../bin/lib/vcd-provider';
import { type RunningMockVcd, startMockVcd } from '../mock-vcd/main';
import type { Config } from '../server/config';
import { startServer, type RunningServer } from '../server/main';
import { freshStore } from '../server/testing/harness';
import { Figures, percentile } from './figures';
import { latencies, rps } from './http-load';

/**
 * amqp.bridge.* against http.forward.*: the same function call through the mock vCD forwarding over HTTP and
 * through the mock vCD in AMQP mode (RabbitMQ, in-process dispatch), side by side in one run, against the same
 * backend; then replicas2.rps: two backends on one PostgreSQL sharing the request queue, against one.
 */

const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Hello ' + (event.query.name || 'world') } });`;

async function login(mock: RunningMockVcd): Promise<Record<string, string>> {
  const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}

async function register(mock: RunningMockVcd, names: { exchange: string; routingKey: string }): Promise<void> {
  const session = await loginAsProvider({ vcdUrl: mock.url, user: 'administrator@System', password: 'provider-demo' });
  await registerApiExtension(session, names);
}

async function createHello(mock: RunningMockVcd, auth: Record<string, string>): Promise<void> {
  const res = await fetch(`${mock.url}/api/org/acme/faas/functions`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'hello', runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route: 'hello' } }),
  });
  if (res.status !== 202) throw new Error(`create hello: ${res.status} ${await res.text()}`);
  for (;;) {
    const fn = (await (await fetch(`${mock.url}/api/org/acme/faas/functions/hello`, { headers: auth })).json()) as { status: string };
    if (fn.status === 'ready') return;
    if (fn.status === 'failed') throw new Error('hello failed to build');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function removeNames(names: { exchange: string; queue: string }): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const q of [names.queue, `${names.queue}.dead`, `${names.queue}.notifications`, `${names.queue}.notifications.dead`]) await channel.deleteQueue(q).catch(() => undefined);
  for (const e of [names.exchange, `${names.queue}.dlx`, `${names.queue}.notifications.dlx`, `${names.exchange}.replies`, `${names.exchange}.notifications20`]) {
    await channel.deleteExchange(e).catch(() => undefined);
  }
  await connection.close();
}

export async function benchAmqp(figures: Figures, options: { quick: boolean }): Promise<void> {
  const n = options.quick ? 300 : 2000;
  const seconds = options.quick ? 3 : 10;
  const id = randomBytes(4).toString('hex');
  const names = { exchange: `bench.vcdext.${id}`, queue: `bench.serverless.${id}`, routingKey: `bench-${id}` };
  const secret = randomBytes(32).toString('hex');
  const store = await freshStore('postgres');
  const mockAmqp = await startMockVcd({
    port: 0,
    portalDir: '/nonexistent-portal',
    sharedSecret: secret,
    amqp: { url: AMQP_URL, replyExchange: `${names.exchange}.replies`, notificationsExchange: `${names.exchange}.notifications20` },
  });
  const backendConfig = (replica: number): Partial<Config> => ({
    port: 0,
    vcdUrl: mockAmqp.url,
    logLevel: 'silent',
    extensionSharedSecret: secret,
    containerEngine: 'off',
    amqpUrl: AMQP_URL,
    amqpExchange: names.exchange,
    amqpQueue: names.queue,
    amqpRoutingKey: names.routingKey,
    amqpNotificationsExchange: `${names.exchange}.notifications20`,
    amqpNotificationsQueue: `${names.queue}.notifications`,
    amqpConnectionName: `bench-${id}-${replica}`,
    ...store.overrides,
  });
  const backends: RunningServer[] = [await startServer(backendConfig(1))];
  const mockHttp = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal', sharedSecret: secret, httpExtensions: { serverless: backends[0].url } });
  try {
    await register(mockAmqp, names);
    await register(mockHttp, names);
    const amqpAuth = await login(mockAmqp);
    const httpAuth = await login(mockHttp);
    await createHello(mockAmqp, amqpAuth);
    const viaAmqp = `${mockAmqp.url}/api/org/acme/hello?name=bench`;
    const viaHttp = `${mockHttp.url}/api/org/acme/hello?name=bench`;

    await latencies(viaHttp, httpAuth, 200);
    await latencies(viaAmqp, amqpAuth, 200);
    // Interleaved so both see the same machine noise.
    const forward: number[] = [];
    const bridge: number[] = [];
    for (let round = 0; round < 4; round++) {
      forward.push(...(await latencies(viaHttp, httpAuth, n / 4)));
      bridge.push(...(await latencies(viaAmqp, amqpAuth, n / 4)));
    }
    forward.sort((a, b) => a - b);
    bridge.sort((a, b) => a - b);
    const forwardP50 = percentile(forward, 50);
    const bridgeP50 = percentile(bridge, 50);
    figures.add('http.forward.p50_ms', { value: forwardP50, unit: 'ms' });
    figures.add('http.forward.p99_ms', { value: percentile(forward, 99), unit: 'ms' });
    figures.add('amqp.bridge.p50_ms', { value: bridgeP50, unit: 'ms', baseline: forwardP50, ratio: bridgeP50 / forwardP50 });
    figures.add('amqp.bridge.p99_ms', { value: percentile(bridge, 99), unit: 'ms' });
    const forwardRps = await rps(viaHttp, httpAuth, seconds);
    const bridgeRps = await rps(viaAmqp, amqpAuth, seconds);
    figures.add('http.forward.rps', { value: forwardRps, unit: 'req/s' });
    figures.add('amqp.bridge.rps', { value: bridgeRps, unit: 'req/s', baseline: forwardRps, ratio: bridgeRps / forwardRps });

    // A second replica on the same PostgreSQL consumes the same queue (competing consumers).
    backends.push(await startServer(backendConfig(2)));
    await latencies(viaAmqp, amqpAuth, 200);
    const twoRps = await rps(viaAmqp, amqpAuth, seconds);
    figures.add('replicas2.rps', {
      value: twoRps,
      unit: 'req/s',
      baseline: bridgeRps,
      ratio: twoRps / bridgeRps,
      note: 'two backend processes in one Node process on this machine: shows the queue is shared, not a speed-up',
    });
  } finally {
    for (const b of backends) await b.close();
    await mockHttp.close();
    await mockAmqp.close();
    await store.drop();
    await removeNames(names);
  }
}
