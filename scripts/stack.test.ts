import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { loadConfig, transportOf } from '../server/config';
import { newFunction } from '../server/testing/harness';
import { runningLines } from './first-run';
import { stackOptionsFromEnv, startStack, transportFromEnv, type Stack } from './stack';

/**
 * `MOCK_VCD_TLS=1 npm start` as a whole: the stack started from the options serve.ts derives from that environment,
 * with no VCD_TRANSPORT, so over vCD's MQTT bus. A tenant talks to it with nothing but the CA file the banner names:
 * logs in over HTTPS, creates a function and calls it through vCD's route, which reaches the backend on the wss bus.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-stack-tls-'));
const env = { MOCK_VCD_TLS: '1', MOCK_VCD_DATA_DIR: path.join(dir, 'mock-vcd'), DATA_DIR: path.join(dir, 'backend'), MOCK_VCD_PORT: '0', PORT: '0', LOG_LEVEL: 'silent' };
const saved = { VCD_TRANSPORT: process.env.VCD_TRANSPORT, VCD_AMQP_URL: process.env.VCD_AMQP_URL };
let stack: Stack;

/** One HTTPS request trusting only `ca` (not the trust startStack gave this process's fetch). */
function httpsCall(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; ca?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca: init.ca, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  delete process.env.VCD_TRANSPORT;
  delete process.env.VCD_AMQP_URL;
  const zipPath = path.join(dir, 'plugin.zip');
  writeFileSync(zipPath, pluginZip());
  stack = await startStack({ ...stackOptionsFromEnv(env), zipPath, portalDir: path.join(dir, 'no-portal'), demoHistoryDays: 1 });
}, 120_000);
afterAll(async () => {
  await stack?.close();
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  rmSync(dir, { recursive: true, force: true });
});

describe('the transport with no VCD_TRANSPORT', () => {
  it('is the MQTT bus for the backend and for the stack npm start runs', () => {
    expect(transportOf(loadConfig({}))).toBe('mqtt');
    expect(transportFromEnv(undefined, {})).toBe('mqtt');
    expect(transportFromEnv('amqp://guest@127.0.0.1:5672', {})).toBe('amqp');
    expect(stackOptionsFromEnv({}).tlsDir).toBeUndefined();
    expect(stack.transport).toBe('mqtt');
  });
});

describe('MOCK_VCD_TLS=1 npm start', () => {
  it('prints and returns https:// and wss:// URLs and the CA file', () => {
    expect(stack.vcdUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.portalUrl).toBe(`${stack.vcdUrl}/login`);
    expect(stack.busUrl).toBe(`${stack.vcdUrl.replace('https://', 'wss://')}/messaging/mqtt`);
    expect(stack.caFile).toBe(path.join(env.MOCK_VCD_DATA_DIR, 'tls', 'mock-vcd-cert.pem'));
    const banner = runningLines(stack, { seeded: [], env }).join('\n');
    expect(banner).toContain(`Portal:   ${stack.vcdUrl}/login`);
    expect(banner).toContain(`vCD bus:  ${stack.busUrl}`);
    expect(banner).toContain(`MOCK_VCD_CA_FILE=${stack.caFile}`);
    expect(banner).toContain("vCD's MQTT bus");
    expect(banner).not.toMatch(/(http|ws):\/\/127\.0\.0\.1:\d+\/(login|messaging|api)/);
  });

  it('lets a tenant with the CA file log in, create a function and call it through vCD over the wss bus', async () => {
    const ca = readFileSync(stack.caFile!, 'utf8');
    const basic = `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}`;
    // Without the CA the certificate is refused: it is real TLS with the mock's own certificate.
    await expect(httpsCall(`${stack.vcdUrl}/cloudapi/1.0.0/sessions`, { method: 'POST', headers: { Authorization: basic } })).rejects.toThrow(/self[- ]signed|unable to verify/i);

    const login = await httpsCall(`${stack.vcdUrl}/cloudapi/1.0.0/sessions`, { method: 'POST', headers: { Authorization: basic, Accept: 'application/json;version=37.0' }, ca });
    expect(login.status).toBe(200);
    const token = login.headers['x-vmware-vcloud-access-token'] as string;
    expect(token).toBeTruthy();
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' };
    const call = (method: string, p: string, body?: unknown) => httpsCall(`${stack.vcdUrl}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), ca });

    expect((await call('POST', '/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    await expect.poll(async () => JSON.parse((await call('GET', '/api/org/acme/faas/functions/hello')).text).status, { timeout: 60_000, interval: 200 }).toBe('ready');
    const answer = await call('GET', '/api/org/acme/hello?who=tls');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ hello: 'tls' });

    // The backend's clients are on vCD's wss endpoint (the only one it serves), and every answer matched a request.
    const provider = await httpsCall(`${stack.vcdUrl}/cloudapi/1.0.0/sessions/provider`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('administrator@System:provider-demo').toString('base64')}`, Accept: 'application/json;version=37.0' },
      ca,
    });
    const bus = await httpsCall(`${stack.vcdUrl}/mock/admin/mqtt`, { headers: { Authorization: `Bearer ${provider.headers['x-vmware-vcloud-access-token']}`, Accept: 'application/json' }, ca });
    expect(JSON.parse(bus.text)).toMatchObject({ connectedClients: expect.any(Number), garbageFrames: 0, unmatchedResponses: 0 });
    expect(JSON.parse(bus.text).connectedClients).toBeGreaterThanOrEqual(1);
  });
});
