import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAsTenant } from '../../bin/lib/vcd-provider';
import { registerMqttService } from '../../server/testing/mqtt-service';
import { startMockVcd, type RunningMockVcd } from '../../mock-vcd/main';
import { freshStore, HELLO, type StoreHandle } from '../../server/testing/harness';
import { podmanPaths } from '../../server/functions/drivers/container/podman-service';
import { buildBackendImage, loadBackendImage, podman, type BuiltImage } from './image';

/**
 * Issue 17 item 2: the released backend image runs as a provider would run it — real Podman, host network on
 * 127.0.0.1, a read-only root with the data volume, PostgreSQL as the store, the default transport (vCD's MQTT bus,
 * with the EXTENSION token of the product's external service) — behind the mock vCD, and a tenant's function is
 * created and called through vCD. With VSL_RELEASE_IMAGE_TAR (npm test: the backend-image.tar `npm run release` just
 * wrote) that archive is loaded instead of building the image a second time.
 */
const root = path.resolve(__dirname, '../..');
const paths = podmanPaths(path.join(root, '.data/podman'));
const tmp = mkdtempSync(path.join(tmpdir(), 'vsl-image-'));
const container = `vsl-image-test-${randomBytes(4).toString('hex')}`;
let image: BuiltImage;
let mock: RunningMockVcd;
let store: StoreHandle;
let backendUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, tries = 240): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  const logs = await podman(paths, ['logs', container]).catch((e: Error) => e.message);
  throw new Error(`${what} did not happen; container log:\n${logs}`);
}

beforeAll(async () => {
  const released = process.env.VSL_RELEASE_IMAGE_TAR;
  image = released
    ? await loadBackendImage({ root, tarball: released })
    : await buildBackendImage({ root, version: 'image-test', revision: 'test', created: new Date(), saveTo: path.join(tmp, 'image.tar') });
  mock = await startMockVcd({ portalDir: '/nonexistent-portal' });
  // What deploy does for the MQTT transport: the external service with its filters, and its EXTENSION token.
  const { token } = await registerMqttService(mock.url);
  store = await freshStore('postgres');
  const port = await freePort();
  backendUrl = `http://127.0.0.1:${port}`;
  await podman(paths, [
    'run', '-d', '--rm', '--name', container, '--network', 'host', '--read-only', '--tmpfs', '/tmp:rw,mode=1777',
    '--cap-drop', 'all', '--security-opt', 'no-new-privileges', '-v', `${container}-data:/data`,
    '-e', 'HOST=127.0.0.1', '-e', `PORT=${port}`, '-e', `VCD_URL=${mock.url}`, '-e', `DATABASE_URL=${store.overrides.databaseUrl}`,
    '-e', 'VCD_EXTENSION_TOKEN', '-e', 'LOG_LEVEL=warn', image.name,
  ], { VCD_EXTENSION_TOKEN: token });
}, 480_000);

afterAll(async () => {
  await podman(paths, ['rm', '-f', '-t', '2', container]).catch(() => '');
  await podman(paths, ['volume', 'rm', '-f', `${container}-data`]).catch(() => '');
  // A release's image stays (npm run release made it); the test's own build goes.
  if (!process.env.VSL_RELEASE_IMAGE_TAR) await podman(paths, ['rmi', image?.name ?? 'none']).catch(() => '');
  await mock?.close();
  await store?.drop();
  rmSync(tmp, { recursive: true, force: true });
}, 180_000);

describe('the backend image', () => {
  it('runs as uid 1000 without dev dependencies, and is saved as an OCI archive naming it', async () => {
    expect(await podman(paths, ['image', 'inspect', '--format', '{{.Config.User}}', image.name])).toBe('1000:1000');
    const probe = "let dev; try { require.resolve('vitest'); dev = 'vitest' } catch { dev = 'none' } console.log(process.getuid(), dev)";
    expect(await podman(paths, ['run', '--rm', '--entrypoint', '/usr/bin/node', image.name, '-e', probe])).toBe('1000 none');
    const index = JSON.parse(execFileSync('tar', ['-xOf', image.tarball!, 'index.json'], { encoding: 'utf8' })) as { manifests: { annotations?: Record<string, string> }[] };
    expect(index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name']).toBe(image.name);
  });

  it('answers /healthz and /readyz, having migrated an empty PostgreSQL with the migrations inside it', async () => {
    await until('readyz', async () => ((await fetch(`${backendUrl}/readyz`)).status === 200 ? true : undefined));
    expect(await (await fetch(`${backendUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const db = new pg.Client({ connectionString: store.overrides.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    await db.end();
    const shipped = readdirSync(path.join(root, 'server/store/migrations')).filter((f) => f.endsWith('.sql')).length;
    expect(Number(rows[0]!.n)).toBe(shipped);
  }, 90_000);

  it("runs a tenant's function called through vCD, which hands it to the container over its MQTT bus", async () => {
    await until('readyz', async () => ((await fetch(`${backendUrl}/readyz`)).status === 200 ? true : undefined));
    await until('the backend on the bus', async () => (mock.state.mqtt.connectedClients > 0 ? true : undefined));
    const acme = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${acme.token}`, Accept: 'application/json', 'Content-Type': 'application/json' };
    const created = await fetch(`${mock.url}/api/org/acme/faas/functions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'hello', runtime: 'nodejs20', trigger: { type: 'http', route: 'hello' }, code: HELLO }),
    });
    expect(created.status).toBe(202);
    await until('function ready', async () => {
      const f = (await (await fetch(`${mock.url}/api/org/acme/faas/functions/hello`, { headers })).json()) as { status: string };
      return f.status === 'ready' ? f : undefined;
    });
    const called = await fetch(`${mock.url}/api/org/acme/hello?who=image`, { headers });
    expect(called.status).toBe(200);
    expect(await called.json()).toMatchObject({ hello: 'image', org: 'acme' });
    // Nothing but the bus reaches it: the mock forwards no HTTP, and the container is the one client of the service.
    expect(mock.state.httpExtensions).toEqual({});
    expect(mock.state.mqtt.connectedClients).toBe(1);
  }, 90_000);
});
