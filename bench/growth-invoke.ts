import { loginAsTenant } from '../bin/lib/vcd-provider';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import type { Db } from '../server/store/db';
import { freshStore, openTestDb } from '../server/testing/harness';
import type { Figures } from './figures';
import { latencies, rps, rpsCycling } from './http-load';

const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Hello ' + (event.query.name || 'world') } });`;
/** Functions created at once through the API (each POST starts a build; the builds run in the backend). */
const IN_FLIGHT = 8;
/** At most this many routes in the spread load: all of them stay warm (the isolate driver keeps up to 256). */
const SPREAD = 100;

type Headers = Record<string, string>;

async function waitReady(base: string, headers: Headers, name: string): Promise<void> {
  for (;;) {
    const fn = (await (await fetch(`${base}/faas/functions/${name}`, { headers })).json()) as { status: string; error?: unknown };
    if (fn.status === 'ready') return;
    if (fn.status === 'failed') throw new Error(`${name} failed to build: ${JSON.stringify(fn.error)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Deploys fn-<from>..fn-<to - 1> through the product's API (POST faas/functions, then ready), IN_FLIGHT at a time:
 * the path a tenant takes, with its quota check, version row and isolate build. Returns ms per function.
 */
async function deployByApi(base: string, headers: Headers, from: number, to: number): Promise<number> {
  const started = performance.now();
  let next = from;
  const worker = async () => {
    for (let i = next++; i < to; i = next++) {
      const name = `fn-${i}`;
      const res = await fetch(`${base}/faas/functions`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route: name } }),
      });
      if (res.status !== 202) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
      await waitReady(base, headers, name);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (performance.now() - started) / Math.max(1, to - from);
}

/**
 * Deploys fn-<from>..fn-<to - 1> in the store: copies of fn-0's rows (functions, function_versions) as the API left
 * them, with their own name and route, in one INSERT … SELECT generate_series each. The invoke path reads only these
 * rows, so the copies serve calls as API-made functions do; the builds they skip are measured by deployByApi.
 */
async function deployInStore(db: Db, from: number, to: number): Promise<void> {
  for (const table of ['functions', 'function_versions']) {
    const { rows } = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    const columns = rows.map((r) => r.column_name);
    const renamed: Record<string, string> = { name: "'fn-' || i", route: "'fn-' || i", trigger: "jsonb_set(trigger, '{route}', to_jsonb('fn-' || i))" };
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c) => renamed[c] ?? c).join(', ')}
         FROM ${table}, generate_series($2::int, $3::int) AS i WHERE org = 'acme' AND name = $1`,
      ['fn-0', from, to - 1],
    );
  }
}

/** Functions made through the API before the rest are copied in the store (their builds are the deploy figure). */
const BY_API = 10;

/**
 * Issue 16 item 4: warm invoke throughput on the embedded default with 1, 100 and 1 000 functions deployed in the
 * org: all load on one function's route (what the route lookup and its cache cost as the org grows) and load spread
 * over up to 100 warm functions (the caches holding many entries at once). fn-0 and fn-1..fn-9 are made through the
 * API; the others are copied in the store while the backend is stopped (PGlite has one process), then it starts again.
 */
export async function benchGrowthInvoke(figures: Figures, options: { quick: boolean }): Promise<void> {
  const counts = options.quick ? [1, 100] : [1, 100, 1000];
  const seconds = options.quick ? 3 : 8;
  const store = await freshStore('pglite');
  const mock = await startMockVcd({ port: 0 });
  const start = () => startServer({ port: 0, vcdUrl: mock.url, logLevel: 'silent', ...store.overrides, orgMaxFunctions: Math.max(...counts), orgMaxConcurrentCalls: 200 });
  let backend = await start();
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    let deployed = 0;
    let first: { one: number; spread: number } | undefined;
    for (const count of counts) {
      const base = () => `${backend.url}/api/org/acme`;
      const viaApi = Math.min(count, deployed === 0 ? 1 : BY_API);
      if (viaApi > deployed) {
        const perFunction = await deployByApi(base(), headers, deployed, viaApi);
        if (deployed > 0) figures.add('growth.invoke.deploy_api.per_function_ms', { value: perFunction, unit: 'ms', note: `${viaApi - deployed} functions through POST faas/functions to ready, ${IN_FLIGHT} at a time` });
        deployed = viaApi;
      }
      if (count > deployed) {
        await backend.close();
        const db = await openTestDb(store);
        await deployInStore(db, deployed, count).finally(() => db.close());
        backend = await start();
        deployed = count;
      }
      const spreadPaths = Array.from({ length: Math.min(count, SPREAD) }, (_, i) => `/api/org/acme/fn-${Math.floor((i * count) / Math.min(count, SPREAD))}`);
      for (const p of spreadPaths) await latencies(`${backend.url}${p}`, headers, 2); // every spread function warm
      const one = await rps(`${base()}/fn-0`, headers, seconds);
      const spread = await rpsCycling(backend.url, headers, spreadPaths, seconds);
      first ??= { one, spread };
      const vs = (b: number, v: number) => (count === counts[0] ? {} : { baseline: b, ratio: v / b });
      figures.add(`growth.invoke.functions_${count}.rps`, { value: one, unit: 'req/s', note: `isolate warm, all calls on one route, ${count} functions deployed, PGlite`, ...vs(first.one, one) });
      figures.add(`growth.invoke.functions_${count}.spread_rps`, { value: spread, unit: 'req/s', note: `isolate warm, calls over ${spreadPaths.length} functions' routes, ${count} deployed, PGlite`, ...vs(first.spread, spread) });
    }
  } finally {
    await backend.close();
    await mock.close();
    await store.drop();
  }
}
