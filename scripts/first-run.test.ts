import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsLines, transportLine } from './first-run';

const root = path.resolve(__dirname, '..');
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, HOST: '127.0.0.1', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('npm start with a port already taken', () => {
  it('names the mock vCD port and MOCK_VCD_PORT before building anything', async () => {
    const r = await runNode(['scripts/start.mjs'], { MOCK_VCD_PORT: String(busyPort), PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`port ${busyPort} on 127.0.0.1 (the mock vCD, portal and API) is already in use`);
    expect(r.err).toMatch(/move it with MOCK_VCD_PORT=\d+ npm start/);
    expect(r.err).not.toContain('Cannot read properties');
    expect(r.out).not.toContain('Building the plugin');
  });

  it("names the backend's port and PORT when serve.ts is started directly", async () => {
    const r = await runNode(['--import', 'tsx', 'scripts/serve.ts'], { MOCK_VCD_PORT: '0', PORT: String(busyPort) });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`vcd-serverless failed to start: port ${busyPort} on 127.0.0.1 (the backend) is already in use`);
    expect(r.err).toMatch(/move it with PORT=\d+ npm start/);
  });

  it('refuses a port that is not a number, naming the variable', async () => {
    const r = await runNode(['--import', 'tsx', 'scripts/first-run.ts'], { MOCK_VCD_PORT: 'eighty', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('MOCK_VCD_PORT=eighty is not a port');
  });

  it('prints which parts are on when the ports are free', async () => {
    const r = await runNode(['--import', 'tsx', 'scripts/first-run.ts'], { MOCK_VCD_PORT: '0', PORT: '0', CONTAINER_ENGINE: 'off', DATABASE_URL: '' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Starting with:');
    expect(r.out).toMatch(/Containers: off \(CONTAINER_ENGINE=off\)/);
    expect(r.out).toMatch(/Store: +PGlite in /);
    expect(r.out).toMatch(/Transport: +vCD's MQTT bus/); // the stack's default
  });

  it('names a wrong VCD_TRANSPORT before building', async () => {
    const r = await runNode(['--import', 'tsx', 'scripts/first-run.ts'], { MOCK_VCD_PORT: '0', PORT: '0', VCD_TRANSPORT: 'carrier-pigeon' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('VCD_TRANSPORT must be http, amqp or mqtt (got "carrier-pigeon")');
  });
});

describe("npm start's parts", () => {
  it('says whether a container runtime was found', () => {
    expect(partsLines({ PATH: '/nonexistent' }, '')[0]).toContain('not found: python3 and container-sandbox functions fail to build');
    expect(partsLines({ PATH: process.env.PATH }, '')[0]).toMatch(/Podman \d+\.\d+/); // this machine has Podman
  });

  it('names the store without its credentials', () => {
    const [, store] = partsLines({ DATABASE_URL: 'postgres://app:s3cret@db.example:5433/vsl', CONTAINER_ENGINE: 'off' }, '');
    expect(store).toContain('PostgreSQL at db.example:5433/vsl');
    expect(store).not.toContain('s3cret');
    expect(store).not.toContain('app');
    expect(partsLines({ DATA_DIR: '/srv/vsl', CONTAINER_ENGINE: 'off' }, '')[1]).toContain('PGlite in /srv/vsl');
  });

  it('names the transport and the variable that picks it', () => {
    expect(transportLine('mqtt')).toContain("vCD's MQTT bus");
    expect(transportLine('http')).toContain('HTTP forwarding');
    expect(transportLine('amqp')).toContain('RabbitMQ');
    expect(transportLine('amqp')).toContain('VCD_TRANSPORT=http|amqp|mqtt');
  });
});
