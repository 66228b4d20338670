import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, problemOf, startHarness, type Harness } from '../../../testing/harness';
import { startNamespacedListener, type NamespacedListener } from '../../../testing/netns';

const dataDir = process.env.PODMAN_DATA_DIR ?? path.resolve(__dirname, '../../../../.data/podman');
const FNS = '/api/org/acme/faas/functions';

/** Tries a TCP connection to ?host&port and answers how it went: connected, or the error code. */
const DIAL = `const net = require('net');
module.exports = async (event) => {
  const result = await new Promise((resolve) => {
    const socket = net.connect({ host: event.query.host, port: Number(event.query.port) });
    socket.setTimeout(2000, () => { socket.destroy(); resolve('timeout'); });
    socket.on('connect', () => { socket.end(); resolve('connected'); });
    socket.on('error', (e) => resolve(e.code || e.message));
  });
  return { statusCode: 200, body: { result } };
};`;

describe('container function egress (Podman)', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  // A listener on an address outside the container and off loopback (inside a container 127.0.0.1 is the
  // container): a network namespace of the test's own, so the test runs on any machine that may create one.
  let target: NamespacedListener;
  const accepted = () => target.accepted();

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { containerDataDir: dataDir } });
    acme = api(() => h.backend.url, await h.login('acme'));
    target = await startNamespacedListener();
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await h?.close();
  }, 180_000);

  const dial = (name: string) => acme.get(`/api/org/acme/${name}?host=${target.address}&port=${target.port}`);

  it('refuses outbound connections of a container function by default, and shows egress false', async () => {
    const created = await acme.post(FNS, { name: 'dial-none', runtime: 'nodejs20', sandbox: 'container', code: DIAL, trigger: { type: 'http', route: 'dial-none' } });
    expect(created.status).toBe(202);
    expect((await jsonOf(created)).network).toEqual({ egress: false });
    expect((await acme.waitBuilt('acme', 'dial-none')).status).toBe('ready');
    const res = await dial('dial-none');
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).result).not.toBe('connected');
    expect(accepted()).toBe(0);
  });

  it('lets a container function that allows egress connect out, and a PUT can take it back', async () => {
    await acme.post(FNS, { name: 'dial-out', runtime: 'nodejs20', sandbox: 'container', network: { egress: true }, code: DIAL, trigger: { type: 'http', route: 'dial-out' } });
    expect((await acme.waitBuilt('acme', 'dial-out')).status).toBe('ready');
    expect(await jsonOf(await dial('dial-out'))).toEqual({ result: 'connected' });
    // The listener reports each accept on its stdout, which may reach this process after the function's answer.
    await expect.poll(accepted, { timeout: 10_000 }).toBe(1);

    expect((await acme.put(`${FNS}/dial-out`, { network: { egress: false } })).status).toBe(202);
    const after = await acme.waitBuilt('acme', 'dial-out');
    expect(after).toMatchObject({ status: 'ready', version: 2, network: { egress: false } });
    expect((await jsonOf(await dial('dial-out'))).result).not.toBe('connected');
    expect(accepted()).toBe(1);
  });

  it('answers 400 naming network.egress for an isolate function asking for egress', async () => {
    const res = await acme.post(FNS, { name: 'iso-egress', runtime: 'nodejs20', network: { egress: true }, code: DIAL, trigger: { type: 'http', route: 'iso-egress' } });
    const problem = await problemOf(res);
    expect(problem.status).toBe(400);
    expect(problem.errors?.map((e) => e.path)).toEqual(['network.egress']);
    expect((await acme.get(`${FNS}/iso-egress`)).status).toBe(404);
  });
});
