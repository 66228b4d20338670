import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BROKER_CONTEXT, type BrokerContext } from '../../http/auth';
import { logCapture } from '../../testing/logs';
import { MqttExtensionService, serviceTopics, type MqttExtensionOptions } from './extension-service';
import { apiRequest, type BareBroker, SERVICE, startBareBroker, vcdSide } from '../../testing/mqtt-broker';

/** The backend's MQTT external service against a real aedes broker (no mock vCD): decoding, answers, faults. */

const TOKEN = 'ext-token-1';
const topics = serviceTopics(SERVICE);
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A handler that echoes what reached it, with vCD's security context, after `delayMs`. */
function echo(runs: string[], delayMs = 0) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      runs.push(String(req.headers['x-call'] ?? req.url));
      const context = (req as unknown as Record<symbol, BrokerContext>)[BROKER_CONTEXT];
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('set-cookie', 'session=leak');
        res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString(), org: context?.orgName, auth: req.headers.authorization ?? null }));
      }, delayMs);
    });
  };
}

async function setup(options: Partial<MqttExtensionOptions> & { runs?: string[] } = {}) {
  const broker = await startBareBroker(TOKEN);
  cleanup.push(() => broker.close());
  const logs = logCapture();
  const runs = options.runs ?? [];
  const service = new MqttExtensionService({
    url: broker.url,
    service: SERVICE,
    token: async () => TOKEN,
    handler: echo(runs),
    maxInFlight: 8,
    expiryMs: 300_000,
    log: pino({ level: 'debug' }, logs.stream),
    baseDelayMs: 50,
    maxDelayMs: 400,
    ...options,
  });
  await service.start();
  await service.ready();
  cleanup.push(() => service.close());
  const vcd = await vcdSide(broker.url, topics);
  cleanup.push(() => vcd.close());
  return { broker, service, vcd, logs, runs };
}

describe('MQTT external service', () => {
  it('runs an API_REQUEST in the app with its context and answers on respond, without headers vCD drops', async () => {
    const { vcd } = await setup();
    const a = await vcd.call({ method: 'POST', path: '/api/org/acme/faas/x', query: 'a=1', headers: { 'Content-Type': 'text/plain', 'x-call': 'one' }, body: 'hi there' });
    expect(a.statusCode).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ method: 'POST', url: '/api/org/acme/faas/x?a=1', body: 'hi there', org: 'acme', auth: null });
    expect(Object.keys(a.headers).map((h) => h.toLowerCase())).not.toContain('set-cookie');
  });

  it('hands the caller\'s apiAccessToken to the app as its bearer when the request carries none', async () => {
    const { vcd } = await setup();
    const answer = new Promise<string>((resolve) => vcd.client.on('message', (_t, p) => resolve(Buffer.from(JSON.parse(p.toString()).httpResponse.body, 'base64').toString())));
    await vcd.send(apiRequest('tok-1', { method: 'GET', path: '/api/org/acme/faas/functions' }, { user: 'urn:vcloud:user:1', org: 'urn:vcloud:org:2', apiAccessToken: 'jwt-abc' }));
    expect(JSON.parse(await answer).auth).toBe('Bearer jwt-abc');
  });

  it('drops and counts garbage, ignores other message types, and answers the next request', async () => {
    const { vcd, service, logs } = await setup();
    await vcd.send('not json at all {');
    await vcd.send(Buffer.from([0xff, 0x00, 0x13, 0x37]));
    await vcd.send(JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'x' } }));
    await vcd.send(JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'y', context: { user: 'u', org: 'o' } }, httpRequest: Buffer.from('{"message":{}}').toString('base64') }));
    await vcd.send(JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'z', context: { user: 'u', org: 'o' } }, httpRequest: '%%%' }));
    await vcd.send(JSON.stringify({ type: 'EVENT', headers: {}, payload: '{}' }));
    const a = await vcd.call({ method: 'GET', path: '/api/org/acme/faas/after' });
    expect(a.statusCode).toBe(200);
    expect(service.stats).toMatchObject({ malformed: 5, ignored: 1, answered: 1 });
    expect(logs.text()).toContain('httpRequest is not a Payload');
  });

  it('reconnects and resubscribes after the bus dropped it; later calls are answered', async () => {
    const { broker, vcd, logs } = await setup();
    expect((await vcd.call({ method: 'GET', path: '/before' })).statusCode).toBe(200);
    broker.dropAll(); // vCD's side too: it reconnects below
    await expect.poll(() => logs.text()).toContain('mqtt connection lost; reconnecting');
    const again = await vcdSide(broker.url, topics);
    cleanup.push(() => again.close());
    await expect.poll(async () => (await again.call({ method: 'GET', path: '/after' }, 500).catch(() => undefined))?.statusCode, { timeout: 10_000 }).toBe(200);
  });

  it('a revoked token is logged as refused and retried with backoff, and connects once a valid one is there', async () => {
    const broker = await startBareBroker('other');
    cleanup.push(() => broker.close());
    const logs = logCapture();
    let token = 'revoked';
    const service = new MqttExtensionService({
      url: broker.url,
      service: SERVICE,
      token: async () => token,
      handler: echo([]),
      maxInFlight: 1,
      expiryMs: 300_000,
      log: pino({ level: 'info' }, logs.stream),
      baseDelayMs: 100,
      maxDelayMs: 400,
    });
    cleanup.push(() => service.close());
    await service.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(logs.text()).toContain("vCD's bus refused the login (not authorized): the token is expired, revoked or wrong");
    // Backoff, not a crash loop: a handful of attempts in 1.5 s, not hundreds.
    expect(broker.refusedLogins).toBeGreaterThanOrEqual(2);
    expect(broker.refusedLogins).toBeLessThan(12);
    token = 'other';
    await service.ready();
    const vcd = await vcdSide(broker.url, topics);
    cleanup.push(() => vcd.close());
    expect((await vcd.call({ method: 'GET', path: '/x' })).statusCode).toBe(200);
  });

  it('does not run a request that waited past the expiry, nor a duplicate delivery', async () => {
    const runs: string[] = [];
    const { vcd, service } = await setup({ runs, handler: echo(runs, 400), maxInFlight: 1, expiryMs: 200 });
    const first = vcd.call({ method: 'GET', path: '/slow', headers: { 'x-call': 'first' } });
    await vcd.send(apiRequest('late-1', { method: 'GET', path: '/late', headers: { 'x-call': 'late' } }));
    expect((await first).statusCode).toBe(200);
    await expect.poll(() => service.stats.expired).toBe(1);
    const dup = apiRequest('dup-1', { method: 'POST', path: '/dup', headers: { 'x-call': 'dup' } });
    await vcd.send(dup);
    await vcd.send(dup);
    await expect.poll(() => vcd.answers.filter((a) => a.requestId === 'dup-1').length).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(runs).toEqual(['first', 'dup']);
    expect(vcd.answers.map((a) => a.requestId)).not.toContain('late-1');
  });
});
