import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { rps } from './http-load';

/**
 * `node --import tsx bench/profile-invoke.ts [seconds] [out.cpuprofile]`: the warm isolate invoke under load (16
 * connections, backend called directly with a tenant token): its CPU per call and, given a file, a CPU profile of the
 * load window only (not the start-up): the backend's per-call work.
 */
const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: { message: 'Hello ' + (event.query.name || 'world') } });`;

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-prof-'));
  const mock = await startMockVcd({ port: 0 });
  const backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent', orgRateLimitPerMinute: 0 } as never);
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const res = await fetch(`${backend.url}/api/org/acme/faas/functions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'hello', runtime: 'nodejs20', code: HELLO, trigger: { type: 'http', route: 'hello' } }),
    });
    if (res.status !== 202) throw new Error(`create: ${res.status}`);
    for (;;) {
      const fn = (await (await fetch(`${backend.url}/api/org/acme/faas/functions/hello`, { headers })).json()) as { status: string };
      if (fn.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const out = process.argv[3];
    const session = new Session();
    session.connect();
    if (out) await session.post('Profiler.enable');
    if (out) await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const warmRps = await rps(`${backend.url}/api/org/acme/hello?name=x`, { Authorization: headers.Authorization }, seconds);
    const cpu = process.cpuUsage(cpu0);
    if (out) writeFileSync(out, JSON.stringify((await session.post('Profiler.stop')).profile));
    // CPU per call (this process: HTTP, auth, store, isolate threads; the load generator is a child): steadier than
    // req/s on a shared machine, where the other tenants' load moves the throughput.
    const us = (cpu.user + cpu.system) / (warmRps * seconds);
    process.stdout.write(`isolate warm: ${Math.round(warmRps)} req/s, ${us.toFixed(0)} us CPU per call\n`);
  } finally {
    await backend.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0));
