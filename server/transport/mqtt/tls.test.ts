import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, startHarness, type Harness } from '../../testing/harness';
import { logCapture } from '../../testing/logs';

/** vCD over HTTPS like vCD (the mock's self-signed certificate): trusted by CA file, refused without, insecure only when asked. */

let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tlsDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'vsl-tls-'));
  dirs.push(d);
  return d;
};

describe('vCD over HTTPS and wss://', () => {
  it('with VCD_CA_FILE the backend serves through wss:// and calls vCD over https', async () => {
    harness = await startHarness('pglite', { transport: 'mqtt', mock: { tls: { dir: tlsDir() }, mqtt: { metricsIntervalMs: 0 } } });
    expect(harness.mock.url).toMatch(/^https:/);
    const acme = api(() => harness!.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');
    expect(await jsonOf(await acme.get('/api/org/acme/hello?who=tls'))).toEqual({ hello: 'tls', method: 'GET', org: 'acme' });
  });

  it('without the CA the bus refuses the certificate (logged, retried, no crash); VCD_INSECURE_TLS=1 connects and warns', async () => {
    const logs = logCapture();
    harness = await startHarness('pglite', {
      transport: 'mqtt',
      mock: { tls: { dir: tlsDir() }, mqtt: { metricsIntervalMs: 0 } },
      backend: { vcdCaFile: undefined, logLevel: 'warn' },
      logStream: logs.stream,
    });
    // No CA given: the system's trust store does not know a self-signed certificate; the link keeps retrying.
    await expect.poll(() => logs.text(), { timeout: 10_000 }).toMatch(/self[- ]signed certificate|unable to verify/);
    expect(harness.mock.state.mqtt.connectedClients).toBe(0);
    await harness.restart({ vcdInsecureTls: true, vcdCaFile: undefined });
    expect(logs.text()).toContain("VCD_INSECURE_TLS=1: vCD's TLS certificate is NOT checked");
    await expect.poll(() => harness!.mock.state.mqtt.connectedClients, { timeout: 10_000 }).toBe(1);
  });
});
