import express from 'express';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { IsolateRuntime } from '../server/functions/drivers/isolate';
import { benchAutoscale } from './autoscale';
import { benchBacktest } from './autoscale-backtest';
import { benchContainer } from './container';
import { Figures, percentile } from './figures';
import { agent, latencies, rps, timedGet, underLoad } from './http-load';
import { benchAmqp } from './amqp';
import { benchAsync } from './async';
import { benchMqtt } from './mqtt';
import { benchShowback } from './showback';
import { benchProvider } from './provider';
import { benchLoad } from './load';
import { benchFirstRender } from './first-render';
import { benchGrowth } from './growth';
import { loginAsTenant } from '../bin/lib/vcd-provider';

const root = path.resolve(__dirname, '..');
// Throughput is what the bench measures; every backend it starts (loadConfig reads this) runs without the org rate limit.
process.env.ORG_RATE_LIMIT_PER_MINUTE ??= '0';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const wanted = (prefix: string) => !only || prefix.startsWith(only) || only.startsWith(prefix);

const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Hello ' + (event.query.name || 'world') } });`;


async function login(vcdUrl: string, user: string, password: string): Promise<string> {
  return (await loginAsTenant({ vcdUrl, user, password })).token;
}

async function createFunction(baseUrl: string, token: string, name: string, route: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/org/acme/faas/functions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ name, runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route } }),
  });
  if (res.status !== 202) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
  for (;;) {
    const fn = (await (await fetch(`${baseUrl}/api/org/acme/faas/functions/${name}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { status: string; error?: unknown };
    if (fn.status === 'ready') return;
    if (fn.status === 'failed') throw new Error(`${name} failed to build: ${JSON.stringify(fn.error)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function benchPlugin(figures: Figures): Promise<void> {
  const bundle = path.join(root, 'dist/bundle.js');
  if (!existsSync(bundle)) execFileSync('npx', ['ng', 'build', 'plugin'], { cwd: root, stdio: 'inherit' });
  figures.add('plugin.bundle_gz_kb', { value: gzipSync(readFileSync(bundle)).length / 1024, unit: 'KB' });
  figures.add('plugin.zip_kb', { value: readFileSync(path.join(root, 'dist/plugin.zip')).length / 1024, unit: 'KB' });
}

/** V8 heap per warm isolate, from isolated-vm's statistics over the driver's own warm pool of `hello` functions. */
async function benchIsolateMemory(figures: Figures): Promise<void> {
  const runtime = new IsolateRuntime();
  const count = quick ? 10 : 50;
  try {
    for (let i = 0; i < count; i++) {
      const fn = { key: `bench/mem-${i}@1`, name: `mem-${i}`, code: HELLO, memoryMb: 64, timeoutMs: 1000, env: {} };
      await runtime.invoke(fn, { method: 'GET', path: '/', query: {}, headers: {}, body: null }, { org: 'bench', functionName: fn.name, requestId: String(i) });
    }
    const { warm, heapBytes } = await runtime.heapStatistics();
    figures.add('memory.isolate_warm_mb', { value: heapBytes / warm / 2 ** 20, unit: 'MB', note: `V8 heap (total + external) per warm isolate, ${warm} isolates` });
  } finally {
    await runtime.close();
  }
}

/** The floor of any Node server here (issue 16): the same hello answer from bare node:http, no framework. */
async function nodeHttpHello(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') || 'world';
    const body = JSON.stringify({ message: 'Hello ' + name });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello` };
}

async function benchInvoke(figures: Figures): Promise<void> {
  const n = quick ? 300 : 2000;
  const seconds = quick ? 3 : 10;
  const coldCount = quick ? 10 : 40;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-'));
  const mock = await startMockVcd({ port: 0 });
  let backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent' } as never);
  // The baseline: the same handler as a bare Express route, in the same process, same client.
  const baseline = express();
  baseline.get('/hello', (req, res) => {
    res.status(200).json({ message: 'Hello ' + (req.query.name || 'world') });
  });
  const baselineServer = baseline.listen(0, '127.0.0.1');
  await new Promise((r) => baselineServer.once('listening', r));
  const baselineUrl = `http://127.0.0.1:${(baselineServer.address() as AddressInfo).port}/hello`;
  const bare = await nodeHttpHello();
  try {
    const token = await login(mock.url, 'admin@acme', 'acme-demo');
    const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    await createFunction(backend.url, token, 'hello', 'hello');
    const invokeUrl = `${backend.url}/api/org/acme/hello`;

    await latencies(baselineUrl, {}, 200);
    await latencies(invokeUrl, auth, 200);
    // Interleave the two so both see the same machine noise.
    const base: number[] = [];
    const warm: number[] = [];
    for (let round = 0; round < 4; round++) {
      base.push(...(await latencies(baselineUrl, {}, n / 4)));
      warm.push(...(await latencies(invokeUrl, auth, n / 4)));
    }
    base.sort((a, b) => a - b);
    warm.sort((a, b) => a - b);
    const baseP50 = percentile(base, 50);
    const warmP50 = percentile(warm, 50);
    figures.add('invoke.express_baseline.p50_ms', { value: baseP50, unit: 'ms' });
    figures.add('invoke.isolate_warm.p50_ms', { value: warmP50, unit: 'ms', baseline: baseP50, ratio: warmP50 / baseP50 });
    figures.add('invoke.isolate_warm.p99_ms', { value: percentile(warm, 99), unit: 'ms', note: 'one connection, calls in sequence' });
    const nodeRps = await rps(bare.url, {}, seconds);
    const baseRps = await rps(baselineUrl, {}, seconds);
    const warmRps = await rps(invokeUrl, auth, seconds);
    figures.add('invoke.node_http_baseline.rps', { value: nodeRps, unit: 'req/s', note: 'bare node:http hello, same client' });
    figures.add('invoke.express_baseline.rps', { value: baseRps, unit: 'req/s', baseline: nodeRps, ratio: baseRps / nodeRps });
    figures.add('invoke.isolate_warm.rps', { value: warmRps, unit: 'req/s', baseline: baseRps, ratio: warmRps / baseRps, note: `${(warmRps / nodeRps).toFixed(2)}x node:http` });
    // The figures are at 50 connections: the same three, side by side, with their p99 under that load.
    const at50 = { node: await underLoad(bare.url, {}, seconds, 50), express: await underLoad(baselineUrl, {}, seconds, 50), warm: await underLoad(invokeUrl, auth, seconds, 50) };
    figures.add('invoke.express_baseline.rps_50c', { value: at50.express.rps, unit: 'req/s', baseline: at50.node.rps, ratio: at50.express.rps / at50.node.rps, note: 'x of node:http at 50 connections' });
    figures.add('invoke.isolate_warm.rps_50c', { value: at50.warm.rps, unit: 'req/s', baseline: at50.express.rps, ratio: at50.warm.rps / at50.express.rps, note: `${(at50.warm.rps / at50.node.rps).toFixed(2)}x node:http, 50 connections` });
    figures.add('invoke.isolate_warm.p99_50c_ms', { value: at50.warm.p99, unit: 'ms', baseline: at50.express.p99, ratio: at50.warm.p99 / Math.max(at50.express.p99, 1), note: 'p99 at 50 connections (autocannon, whole ms); baseline: Express' });

    // Cold: the first call of a function after a backend start has no isolate yet.
    const builds: number[] = [];
    for (let i = 0; i < coldCount; i++) {
      const started = performance.now();
      await createFunction(backend.url, token, `cold-${i}`, `cold-${i}`);
      builds.push(performance.now() - started);
    }
    builds.sort((a, b) => a - b);
    figures.add('build.isolate_ready_ms', { value: percentile(builds, 50), unit: 'ms', note: 'POST → status ready (polled every 5 ms), p50' });
    await backend.close();
    backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent' } as never);
    await timedGet(`${backend.url}/api/org/acme/faas/functions`, auth); // warms the token cache, not the isolates
    const cold: number[] = [];
    for (let i = 0; i < coldCount; i++) cold.push(await timedGet(`${backend.url}/api/org/acme/cold-${i}`, auth));
    cold.sort((a, b) => a - b);
    figures.add('invoke.isolate_cold.p50_ms', { value: percentile(cold, 50), unit: 'ms', baseline: warmP50, ratio: percentile(cold, 50) / warmP50 });
  } finally {
    baselineServer.close();
    bare.server.close();
    await backend.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const figures = new Figures();
  process.stdout.write(`vcd-serverless bench${quick ? ' (quick)' : ''} on ${os.cpus().length} CPUs, node ${process.version}\n`);
  if (wanted('plugin.')) await benchPlugin(figures);
  if (wanted('invoke.')) await benchInvoke(figures);
  if (wanted('invoke.async')) await benchAsync(figures, { quick });
  if (wanted('memory.isolate')) await benchIsolateMemory(figures);
  if (wanted('invoke.container') || wanted('build.container') || wanted('memory.container')) await benchContainer(figures, { quick });
  if (wanted('showback.')) await benchShowback(figures, { quick });
  if (wanted('showback.dashboard')) await benchFirstRender(figures, { quick });
  if (wanted('provider.')) await benchProvider(figures);
  if (wanted('autoscale.') && !only?.startsWith('autoscale.backtest')) await benchAutoscale(figures, { quick });
  if (wanted('autoscale.backtest')) await benchBacktest(figures, { quick });
  // The three ways vCD reaches the backend, in one run so their ratios are side by side (any of the prefixes runs all).
  if (wanted('amqp.') || wanted('http.forward') || wanted('replicas2.') || wanted('mqtt.')) {
    await benchAmqp(figures, { quick });
    await benchMqtt(figures, { quick });
  }
  if (wanted('load.')) await benchLoad(figures, { quick });
  if (wanted('growth.')) await benchGrowth(figures, { quick, tenMillion: args.includes('--growth-10m'), wanted });
  const results = { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, quick, figures: figures.all };
  writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`\n${figures.table()}\n\nwritten to bench/results.json\n`);
  agent.destroy();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
