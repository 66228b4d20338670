import { describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, type Harness } from '../../testing/harness';
import { amqpHarnessPerTest } from '../../testing/amqp-per-test';
import { closeConnection, rawClient } from '../../testing/amqp';

/** vCD's API extension over the real RabbitMQ: the mock vCD in AMQP mode in front of the backend. */


const start = amqpHarnessPerTest();

describe('API extension over AMQP', () => {
  it('creates a function, invokes its route and lists it through vCD with no HTTP hop to the backend', async () => {
    const { harness } = await start();
    const token = await harness.login('acme');
    const viaVcd = api(() => harness.mock.url, token);

    const created = await viaVcd.post('/api/org/acme/faas/functions', newFunction('hello'));
    expect(created.status).toBe(202);
    expect((await viaVcd.waitBuilt('acme', 'hello')).status).toBe('ready');

    const invoked = await viaVcd.get('/api/org/acme/hello?who=amqp');
    expect(invoked.status).toBe(200);
    expect(invoked.headers.get('x-greeting')).toBe('hi');
    expect(await jsonOf(invoked)).toEqual({ hello: 'amqp', method: 'GET', org: 'acme' });

    const list = await jsonOf(await viaVcd.get('/api/org/acme/faas/functions'));
    expect(list.items.map((f: { name: string }) => f.name)).toEqual(['hello']);
  });

  it('keeps tenants apart: globex cannot read acme through the broker', async () => {
    const { harness } = await start();
    const globex = api(() => harness.mock.url, await harness.login('globex'));
    const res = await globex.get('/api/org/acme/faas/functions');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('dead-letters a poison message and answers the next request', async () => {
    const { harness, names } = await start();
    const client = await rawClient();
    try {
      client.channel.publish(names.exchange, names.routingKey, Buffer.from('{"not":"an array"'), {
        correlationId: 'poison-1',
        replyTo: 'nowhere',
        headers: { messageType: 'ProcessHttpRequest', replyToExchange: names.replyExchange },
      });
      const dead = await client.nextMessage(`${names.queue}.dead`);
      expect(dead && dead.content.toString()).toBe('{"not":"an array"');
      expect(dead && dead.properties.correlationId).toBe('poison-1');
    } finally {
      await client.close();
    }
    const res = await api(() => harness.mock.url, await harness.login('acme')).get('/api/org/acme/faas/functions');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ items: [], total: 0 });
  });

  it('reconnects after its broker connection is closed and answers again', async () => {
    const { harness, names } = await start();
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.get('/api/org/acme/faas/functions')).status).toBe(200);

    await closeConnection(names.connectionName);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await acme.get('/api/org/acme/faas/functions')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });

  it('resumes when the mock vCD\'s own broker connection is closed', async () => {
    const { harness } = await start();
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.get('/api/org/acme/faas/functions')).status).toBe(200);

    await closeConnection(harness.mock.state.amqp!.connectionName);
    // Requests made while vCD reconnects wait for the link instead of failing.
    const res = await acme.get('/api/org/acme/faas/functions');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ items: [], total: 0 });
  });

  it('answers vCD\'s 504 when no extension replies in time', async () => {
    const { harness } = await start({ timeoutMs: 300 });
    // Requests wait in the queue while the backend is gone.
    await harness.backend.close();
    const res = await api(() => harness.mock.url, await harness.login('acme')).get('/api/org/acme/faas/functions');
    expect(res.status).toBe(504);
    expect(await jsonOf(res)).toMatchObject({ majorErrorCode: 504, minorErrorCode: 'GATEWAY_TIMEOUT' });
  });
});

describe("vCD's own security context (user, org, rights; no names)", () => {
  const request = (id: string, token: string) => ({
    id,
    method: 'GET',
    scheme: 'https',
    protocol: 'HTTP/1.1',
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
    queryString: '',
    request: true,
    requestUri: '/api/org/acme/faas/functions',
    body: '',
  });

  const session = async (harness: Harness, token: string) =>
    jsonOf(await fetch(`${harness.mock.url}/cloudapi/1.0.0/sessions/current`, { headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` } }));

  it('is checked against the forwarded session: the same user is served, another user is refused', async () => {
    const { harness, names } = await start();
    const acmeToken = await harness.login('acme');
    const globexToken = await harness.login('globex');
    const acme = await session(harness, acmeToken);
    const context = { user: acme.user.id, org: acme.org.id, rights: [] };
    const client = await rawClient();
    try {
      const ok = await client.request(names, request('r-1', acmeToken), context);
      expect(ok.statusCode).toBe(200);
      expect(ok.json).toMatchObject({ items: [], total: 0 });
      // A context naming acme's admin with globex's session: the session decides, and it is not that user.
      const mismatch = await client.request(names, request('r-2', globexToken), context);
      expect(mismatch.statusCode).toBe(401);
      expect(mismatch.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await client.close();
    }
  });

  it('runs a POST delivered twice with one id once: the copy finds the id claimed and gets no answer (vCD: 504)', async () => {
    const { harness, names } = await start();
    const token = await harness.login('acme');
    const acme = await session(harness, token);
    const context = { user: acme.user.id, org: acme.org.id, rights: [] };
    const create = {
      ...request('dup-1', token),
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: Buffer.from(JSON.stringify(newFunction('once'))).toString('base64'),
    };
    const client = await rawClient();
    try {
      expect((await client.request(names, create, context)).statusCode).toBe(202);
      // Run again it would answer 409 (the name is taken); claimed, it is dropped unanswered.
      await expect(client.request(names, create, context)).rejects.toThrow('no reply');
      const list = await client.request(names, request('dup-2', token), context);
      expect(list.json.items.map((f: { name: string }) => f.name)).toEqual(['once']);
    } finally {
      await client.close();
    }
  });
});
