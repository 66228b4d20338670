import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { startMockVcd } from '../mock-vcd/main';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { ruleFor } from '../server/testing/autoscale';
import { freshStore, type StoreKind } from '../server/testing/harness';
import { startServer } from '../server/main';
import type { Figures } from './figures';

const execFileAsync = promisify(execFile);

/** autocannon in a child process (its own CPU): connections cycle through the given requests. */
const CLIENT = `
const autocannon = require(${JSON.stringify(require.resolve('autocannon'))});
const o = JSON.parse(process.argv[1]);
autocannon({ url: o.url, connections: o.connections, duration: o.seconds, headers: o.headers, requests: o.paths.map((p) => ({ method: 'GET', path: p })) }, (err, r) => {
  if (err) { console.error(String(err)); process.exit(1); }
  console.log(JSON.stringify({ codes: r.statusCodeStats, p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }));
});`;

type LoadResult = { codes: Record<string, { count: number }>; p50: number; p99: number; rps: number; total: number; non2xx: number; errors: number; timeouts: number };

/**
 * Issue 7, load: 100 concurrent clients for 60 s (10 s quick) over a function's route, the showback summary and the
 * autoscale rule list, all as acme; errors are any non-2xx, connection error or timeout. Issue 16: on the embedded
 * default (load.*) and on PostgreSQL beside it (load.postgres.*), in one run.
 */
export async function benchLoad(figures: Figures, options: { quick: boolean }): Promise<void> {
  for (const kind of ['pglite', 'postgres'] as const) {
    const r = await loadOn(kind, options);
    const prefix = kind === 'pglite' ? 'load' : 'load.postgres';
    process.stdout.write(`  ${prefix}: ${r.total} requests from 100 clients, status codes ${JSON.stringify(r.codes)}\n`);
    figures.add(`${prefix}.p99_ms`, { value: r.p99, unit: 'ms' });
    figures.add(`${prefix}.p50_ms`, { value: r.p50, unit: 'ms' });
    figures.add(`${prefix}.rps`, { value: r.rps, unit: 'req/s' });
    figures.add(`${prefix}.requests`, { value: r.total, unit: 'count' });
    figures.add(`${prefix}.errors`, { value: r.non2xx + r.errors + r.timeouts, unit: 'count' });
  }
}

/** What the load runs against: a backend on a fresh store, acme's function and rule in place, its headers and paths. */
export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  /** The mix: a function's route, the showback summary, the autoscale rule list. */
  paths: string[];
  close(): Promise<void>;
}

/** A mock vCD and a backend on a fresh store of the kind, with acme's "loaded" function (ready) and one rule. */
export async function startLoadTarget(kind: StoreKind): Promise<LoadTarget> {
  const store = await freshStore(kind);
  const mock = await startMockVcd({ port: 0 });
  // The org's quotas are a provider's setting; here they must not stand between 100 clients and the backend.
  const backend = await startServer({ port: 0, vcdUrl: mock.url, ...store.overrides, logLevel: 'silent', orgRateLimitPerMinute: 0, orgMaxConcurrentCalls: 200 });
  const close = async () => {
    await backend.close();
    await mock.close();
    await store.drop();
  };
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
    const paths = ['/api/org/acme/loaded?who=load', '/api/org/acme/showback/summary', '/api/org/acme/autoscale/rules'];
    return { url: backend.url, headers, paths, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function loadOn(kind: StoreKind, options: { quick: boolean }): Promise<LoadResult> {
  const target = await startLoadTarget(kind);
  try {
    const opts = { url: target.url, connections: 100, seconds: options.quick ? 10 : 60, headers: target.headers, paths: target.paths };
    const { stdout } = await execFileAsync(process.execPath, ['-e', CLIENT, JSON.stringify(opts)], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as LoadResult;
  } finally {
    await target.close();
  }
}
