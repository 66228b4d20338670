/** Container functions (DESIGN §5, §9): per-call and warm latency through the backend, build time, warm memory. */
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startMockVcd } from '../mock-vcd/main';
import { podmanPaths } from '../server/functions/drivers/container/podman-service';
import { startServer } from '../server/main';
import { Figures, percentile } from './figures';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function series(url: string, headers: Record<string, string>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timedGet(url, headers));
  return out.sort((a, b) => a - b);
}

const HELLO = `module.exports = async (event) => ({ statusCode: 200, headers: {}, body: { message: 'Hello ' + (event.query.name || 'world') } });`;

export async function benchContainer(figures: Figures, options: { quick: boolean }): Promise<void> {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
  } catch {
    process.stdout.write('  container figures skipped: podman is not installed (scripts/ensure-system.sh)\n');
    return;
  }
  const root = path.resolve(__dirname, '..');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-ct-'));
  const containerDataDir = path.join(root, '.data/podman');
  const mock = await startMockVcd({ port: 0 });
  const backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent', containerDataDir, containerIdleMs: 600_000 } as never);
  try {
    const login = await fetch(`${mock.url}/cloudapi/1.0.0/sessions`, {
      method: 'POST',
      headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}` },
    });
    const token = login.headers.get('x-vmware-vcloud-access-token') as string;
    const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    const create = async (name: string, extra: Record<string, unknown>, code = HELLO): Promise<number> => {
      const started = process.hrtime.bigint();
      const res = await fetch(`${backend.url}/api/org/acme/faas/functions`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, runtime: 'nodejs20', code, trigger: { type: 'http', route: name }, ...extra }),
      });
      if (res.status !== 202) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
      for (;;) {
        const fn = (await (await fetch(`${backend.url}/api/org/acme/faas/functions/${name}`, { headers: auth })).json()) as { status: string; error?: unknown };
        if (fn.status === 'ready') return Number(process.hrtime.bigint() - started) / 1e6;
        if (fn.status === 'failed') throw new Error(`${name} failed to build: ${JSON.stringify(fn.error)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // The first container build also starts Podman and builds the base images when missing: not counted.
    await create('ct-first', { sandbox: 'container' }, HELLO + '\n// first');
    const builds: number[] = [];
    for (let i = 0; i < (options.quick ? 2 : 5); i++) builds.push(await create(`ct-build-${i}`, { sandbox: 'container' }, `${HELLO}\n// ${i}`));
    builds.sort((a, b) => a - b);
    figures.add('build.container_ready_ms', { value: percentile(builds, 50), unit: 'ms', note: 'POST to ready: image built from the base image' });

    await create('iso', {});
    await create('ct-percall', { sandbox: 'container', mode: 'per-call' });
    await create('ct-warm', { sandbox: 'container', mode: 'warm' });
    const n = options.quick ? 100 : 400;
    await series(`${backend.url}/api/org/acme/iso`, auth, 50);
    await series(`${backend.url}/api/org/acme/ct-warm`, auth, 50);
    const iso = await series(`${backend.url}/api/org/acme/iso`, auth, n);
    const warm = await series(`${backend.url}/api/org/acme/ct-warm`, auth, n);
    const isoP50 = percentile(iso, 50);
    const warmP50 = percentile(warm, 50);
    figures.add('invoke.container_warm.p50_ms', { value: warmP50, unit: 'ms', baseline: isoP50, ratio: warmP50 / isoP50, note: 'baseline: isolate warm, same run' });
    await timedGet(`${backend.url}/api/org/acme/ct-percall`, auth);
    const perCall: number[] = [];
    for (let i = 0; i < (options.quick ? 10 : 30); i++) {
      perCall.push(await timedGet(`${backend.url}/api/org/acme/ct-percall`, auth));
      // Calls 1 s apart: the container for the next call is started meanwhile. Back-to-back calls outrun it and
      // each waits for a container start (create + start + first answer, 0.5-1 s on this 2-core machine).
      await new Promise((r) => setTimeout(r, 1000));
    }
    perCall.sort((a, b) => a - b);
    figures.add('invoke.container_percall.p50_ms', { value: percentile(perCall, 50), unit: 'ms', baseline: warmP50, ratio: percentile(perCall, 50) / warmP50, note: 'fresh container per call, started ahead; calls 1 s apart' });

    const docker = new Docker({ socketPath: podmanPaths(containerDataDir).socketPath });
    const running = await docker.listContainers({ filters: { label: ['vcd-serverless.key'] } });
    const warmOne = running.find((c) => (c.Labels['vcd-serverless.key'] ?? '').startsWith('acme/ct-warm@'));
    if (warmOne) {
      const stats = (await docker.getContainer(warmOne.Id).stats({ stream: false })) as { memory_stats?: { usage?: number } };
      figures.add('memory.container_warm_mb', { value: (stats.memory_stats?.usage ?? 0) / 1024 / 1024, unit: 'MB', note: 'cgroup memory of one warm node container' });
    }
  } finally {
    await backend.close();
    await mock.close();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
