import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { promisify } from 'node:util';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { startMockVcd } from '../mock-vcd/main';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { ruleFor } from '../server/testing/autoscale';
import { freshStore, type StoreKind } from '../server/testing/harness';
import { startServer } from '../server/main';

/**
 * `node --no-node-snapshot --import tsx bench/profile-load.ts [pglite|postgres] [seconds] [out.cpuprofile] [path ...]`:
 * the load bench's mix (100 connections cycling a function's route, the showback summary and the rule list, or the
 * paths given) against one backend; prints req/s, latency and the backend's CPU per request, and writes a CPU profile
 * of the load window only.
 */
const execFileAsync = promisify(execFile);
const CLIENT = `
const autocannon = require(${JSON.stringify(require.resolve('autocannon'))});
const o = JSON.parse(process.argv[1]);
autocannon({ url: o.url, connections: 100, duration: o.seconds, headers: o.headers, requests: o.paths.map((p) => ({ method: 'GET', path: p })) }, (err, r) => {
  if (err) { console.error(String(err)); process.exit(1); }
  console.log(JSON.stringify({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx, errors: r.errors + r.timeouts }));
});`;

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'pglite') as StoreKind;
  const seconds = Number(process.argv[3] ?? 8);
  const out = process.argv[4];
  const store = await freshStore(kind);
  const mock = await startMockVcd({ port: 0 });
  const backend = await startServer({ port: 0, vcdUrl: mock.url, ...store.overrides, logLevel: 'silent', orgRateLimitPerMinute: 0, orgMaxConcurrentCalls: 200 });
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' };
    const post = async (p: string, body: unknown) => {
      const res = await fetch(backend.url + p, { method: 'POST', headers, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    };
    const code = `module.exports = async (event) => ({ statusCode: 200, body: { hello: event.query.who || 'world' } });`;
    await post('/api/org/acme/faas/functions', { name: 'loaded', runtime: 'nodejs20', code, trigger: { type: 'http', route: 'loaded' } });
    for (;;) {
      const fn = (await (await fetch(`${backend.url}/api/org/acme/faas/functions/loaded`, { headers })).json()) as { status: string };
      if (fn.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await post('/api/org/acme/autoscale/rules', ruleFor(DEMO_INFRA_IDS.acme, { enabled: false }));
    const given = process.argv.slice(5);
    const paths = given.length ? given : ['/api/org/acme/loaded?who=load', '/api/org/acme/showback/summary', '/api/org/acme/autoscale/rules'];
    const session = new Session();
    session.connect();
    if (out) await session.post('Profiler.enable');
    if (out) await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const { stdout } = await execFileAsync(process.execPath, ['-e', CLIENT, JSON.stringify({ url: backend.url, seconds, headers, paths })], { maxBuffer: 1 << 24 });
    const cpu = process.cpuUsage(cpu0);
    if (out) writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
    const r = JSON.parse(stdout) as { p50: number; p99: number; rps: number; non2xx: number; errors: number };
    const us = (cpu.user + cpu.system) / (r.rps * seconds);
    process.stdout.write(`${kind}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${us.toFixed(0)} us CPU per request\n`);
  } finally {
    await backend.close();
    await mock.close();
    await store.drop();
  }
}

void main().then(() => process.exit(0));
