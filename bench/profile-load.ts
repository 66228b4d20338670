import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { promisify } from 'node:util';
import type { StoreKind } from '../server/testing/harness';
import { startLoadTarget } from './load';

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
  const target = await startLoadTarget(kind);
  try {
    const given = process.argv.slice(5);
    const paths = given.length ? given : target.paths;
    const session = new Session();
    session.connect();
    if (out) await session.post('Profiler.enable');
    if (out) await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const { stdout } = await execFileAsync(process.execPath, ['-e', CLIENT, JSON.stringify({ url: target.url, seconds, headers: target.headers, paths })], { maxBuffer: 1 << 24 });
    const cpu = process.cpuUsage(cpu0);
    if (out) writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
    const r = JSON.parse(stdout) as { p50: number; p99: number; rps: number; non2xx: number; errors: number };
    const us = (cpu.user + cpu.system) / (r.rps * seconds);
    process.stdout.write(`${kind}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${us.toFixed(0)} us CPU per request\n`);
  } finally {
    await target.close();
  }
}

void main().then(() => process.exit(0));
