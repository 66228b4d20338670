import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMockVcd } from '../main';
import { bearer, jsonOf, login, mockPerTest } from '../testing/mock';

const SERVICES = '/api/admin/extension/service';
const XML_ACCEPT = 'application/*+xml;version=37.0';
const SECRET = 'test-shared-secret';
const startMock = mockPerTest();

function serviceXml(options: { name?: string; enabled?: boolean; patterns?: string[] } = {}) {
  const name = options.name ?? 'serverless';
  const patterns = options.patterns ?? ['/api/org/[^/]+/faas(/.*)?'];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<vmext:Service xmlns="http://www.vmware.com/vcloud/v1.5" xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" name="${name}">` +
    `<vmext:Namespace>${name}</vmext:Namespace><vmext:Enabled>${options.enabled ?? true}</vmext:Enabled>` +
    `<vmext:RoutingKey>${name}</vmext:RoutingKey><vmext:Exchange>vcdext</vmext:Exchange>` +
    `<vmext:ApiFilters>${patterns.map((p) => `<vmext:ApiFilter><vmext:UrlPattern>(${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')})</vmext:UrlPattern></vmext:ApiFilter>`).join('')}</vmext:ApiFilters>` +
    `</vmext:Service>`
  );
}

async function register(mock: RunningMockVcd, token: string, xml = serviceXml()) {
  return fetch(mock.url + SERVICES, {
    method: 'POST',
    headers: { Accept: XML_ACCEPT, Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.vmware.admin.service+xml' },
    body: xml,
  });
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, isArray: (n) => n === 'ApiFilter' });

/** A real HTTP backend that echoes what it received. */
const echoServers: Server[] = [];
afterEach(async () => {
  await Promise.all(echoServers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
async function startEcho(): Promise<string> {
  const app = express();
  app.use(express.text({ type: () => true }));
  app.all(/.*/, (req, res) => {
    res.status(207).set('X-Echo', 'yes').json({
      method: req.method,
      url: req.originalUrl,
      body: req.body,
      headers: req.headers,
    });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  echoServers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('API extension registration', () => {
  it('registers a vmext:Service and answers it back with href and id, as vCD does', async () => {
    const mock = await startMock();
    const provider = await login(mock, 'provider');
    const res = await register(mock, provider);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.vmware\.admin\.service\+xml/);
    const created = parser.parse(await res.text()).Service;
    expect(created['@_name']).toBe('serverless');
    expect(created['@_id']).toMatch(/^urn:vcloud:service:[0-9a-f-]{36}$/);
    expect(created['@_href']).toMatch(new RegExp(`${SERVICES}/[0-9a-f-]{36}$`));
    expect(created.Namespace).toBe('serverless');
    expect(created.Enabled).toBe(true);
    expect(created.RoutingKey).toBe('serverless');
    expect(created.Exchange).toBe('vcdext');
    expect(created.ApiFilters.ApiFilter[0].UrlPattern).toBe('(/api/org/[^/]+/faas(/.*)?)');

    const read = await fetch(created['@_href'], { headers: { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}` } });
    expect(parser.parse(await read.text()).Service).toEqual(created);

    const list = parser.parse(await (await fetch(mock.url + SERVICES, { headers: { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}` } })).text());
    expect(list.QueryResultRecords['@_total']).toBe('1');
    expect(list.QueryResultRecords.AdminServiceRecord['@_namespace']).toBe('serverless');
  });

  it('refuses registration by a tenant, malformed XML, a missing namespace and a pattern that does not compile', async () => {
    const mock = await startMock();
    const provider = await login(mock, 'provider');
    expect((await register(mock, await login(mock, 'acme'))).status).toBe(403);
    const malformed = await register(mock, provider, '<vmext:Service name="x"><oops></vmext:Service>');
    expect(malformed.status).toBe(400);
    const noNamespace = await register(mock, provider, serviceXml().replace(/<vmext:Namespace>.*<\/vmext:Namespace>/, ''));
    expect(noNamespace.status).toBe(400);
    expect(await noNamespace.text()).toContain('Namespace');
    const badPattern = await register(mock, provider, serviceXml({ patterns: ['/api/org/(unclosed'] }));
    expect(badPattern.status).toBe(400);
    expect(await badPattern.text()).toContain('UrlPattern');
  });

  it('deletes a service only once it is disabled', async () => {
    const mock = await startMock();
    const provider = await login(mock, 'provider');
    const href = parser.parse(await (await register(mock, provider)).text()).Service['@_href'];
    const headers = { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}`, 'Content-Type': 'application/vnd.vmware.admin.service+xml' };
    expect((await fetch(href, { method: 'DELETE', headers })).status).toBe(400);
    const disabled = await fetch(href, { method: 'PUT', headers, body: serviceXml({ enabled: false }) });
    expect(parser.parse(await disabled.text()).Service.Enabled).toBe(false);
    expect((await fetch(href, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(href, { headers })).status).toBe(404);
  });

  it('adds and lists API filters of a service', async () => {
    const mock = await startMock();
    const provider = await login(mock, 'provider');
    const href = parser.parse(await (await register(mock, provider)).text()).Service['@_href'];
    const headers = { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}`, 'Content-Type': 'application/vnd.vmware.admin.apifilter+xml' };
    const added = await fetch(`${href}/apifilters`, {
      method: 'POST',
      headers,
      body: '<vmext:ApiFilter xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5"><vmext:UrlPattern>/api/org/[^/]+/showback(/.*)?</vmext:UrlPattern></vmext:ApiFilter>',
    });
    expect(added.status).toBe(201);
    const records = parser.parse(await (await fetch(`${href}/apifilters`, { headers })).text()).QueryResultRecords.ApiFilterRecord;
    expect(records.map((r: Record<string, string>) => r['@_urlPattern'])).toEqual(['(/api/org/[^/]+/faas(/.*)?)', '/api/org/[^/]+/showback(/.*)?']);
  });
});

describe('API extension forwarding over HTTP', () => {
  async function setUp(httpExtensions?: Record<string, string>) {
    const echo = await startEcho();
    const mock = await startMock({ sharedSecret: SECRET, httpExtensions: httpExtensions ?? { serverless: echo } });
    expect((await register(mock, await login(mock, 'provider'))).status).toBe(201);
    return mock;
  }

  it('forwards a matching request with its body and a signed security context, and streams the answer back', async () => {
    const mock = await setUp();
    const acme = await login(mock, 'acme');
    const res = await fetch(`${mock.url}/api/org/acme/faas/functions?limit=5`, {
      method: 'POST',
      headers: bearer(acme, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: 'hello' }),
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('x-echo')).toBe('yes');
    const echoed = await jsonOf(res);
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/api/org/acme/faas/functions?limit=5');
    expect(JSON.parse(echoed.body)).toEqual({ name: 'hello' });
    expect(echoed.headers.authorization).toBe(`Bearer ${acme}`);
    expect(echoed.headers['content-type']).toBe('application/json');

    const encoded = echoed.headers['x-vcloud-security-context'];
    expect(echoed.headers['x-vcloud-context-signature']).toBe(createHmac('sha256', SECRET).update(encoded).digest('hex'));
    const context = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    expect(context).toMatchObject({
      user: expect.stringMatching(/^urn:vcloud:user:/),
      org: expect.stringMatching(/^urn:vcloud:org:/),
      rights: expect.arrayContaining([expect.stringMatching(/^urn:vcloud:right:/)]),
      userName: 'admin',
      orgName: 'acme',
      roles: ['Organization Administrator'],
    });
  });

  it('streams the answer: the first chunk arrives while the extension is still writing', async () => {
    let finish!: () => void;
    const released = new Promise<void>((resolve) => (finish = resolve));
    const app = express();
    app.get(/.*/, (req, res) => {
      res.status(200).type('text/plain').write('first chunk;');
      released.then(() => res.end('last chunk'));
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    echoServers.push(server);
    const mock = await setUp({ serverless: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const res = await fetch(`${mock.url}/api/org/acme/faas/stream`, { headers: bearer(await login(mock, 'acme')) });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first chunk;');
    finish();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('last chunk');
  });

  it("carries globex's org in the context of a globex token", async () => {
    const mock = await setUp();
    const globex = await login(mock, 'globex');
    const session = await jsonOf(await fetch(`${mock.url}/cloudapi/1.0.0/sessions/current`, { headers: bearer(globex) }));
    const echoed = await jsonOf(await fetch(`${mock.url}/api/org/globex/faas/functions`, { headers: bearer(globex) }));
    const context = JSON.parse(Buffer.from(echoed.headers['x-vcloud-security-context'], 'base64').toString('utf8'));
    expect(context.org).toBe(session.org.id);
    expect(context.orgName).toBe('globex');
    expect(context.user).toBe(session.user.id);
  });

  it('answers 401 itself, without forwarding, when the token is missing or logged out', async () => {
    const mock = await setUp();
    const none = await fetch(`${mock.url}/api/org/acme/faas/functions`);
    expect(none.status).toBe(401);
    expect((await jsonOf(none)).minorErrorCode).toBe('UNAUTHORIZED');
    const acme = await login(mock, 'acme');
    await fetch(`${mock.url}/cloudapi/1.0.0/sessions/current`, { method: 'DELETE', headers: bearer(acme) });
    const dead = await fetch(`${mock.url}/api/org/acme/faas/functions`, { headers: bearer(acme) });
    expect(dead.status).toBe(401);
    expect(dead.headers.get('x-echo')).toBeNull();
  });

  it("answers vCD's JSON 404 for a path that matches no extension and no vCD route", async () => {
    const mock = await setUp();
    const acme = await login(mock, 'acme');
    const res = await fetch(`${mock.url}/api/org/acme/nothing-here`, { headers: bearer(acme) });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-echo')).toBeNull();
    expect(await jsonOf(res)).toMatchObject({ majorErrorCode: 404, minorErrorCode: 'RESOURCE_NOT_FOUND', message: expect.any(String) });
  });

  it('answers 502 when the extension cannot be reached', async () => {
    const echo = await startEcho();
    await new Promise((r) => echoServers.pop()!.close(r));
    const mock = await setUp({ serverless: echo });
    const res = await fetch(`${mock.url}/api/org/acme/faas/functions`, { headers: bearer(await login(mock, 'acme')) });
    expect(res.status).toBe(502);
    expect((await jsonOf(res)).minorErrorCode).toBe('BAD_GATEWAY');
  });

  it('does not forward once the service is disabled', async () => {
    const mock = await setUp();
    const provider = await login(mock, 'provider');
    const list = parser.parse(await (await fetch(mock.url + SERVICES, { headers: { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}` } })).text());
    await fetch(list.QueryResultRecords.AdminServiceRecord['@_href'], {
      method: 'PUT',
      headers: { Accept: XML_ACCEPT, Authorization: `Bearer ${provider}`, 'Content-Type': 'application/vnd.vmware.admin.service+xml' },
      body: serviceXml({ enabled: false }),
    });
    const res = await fetch(`${mock.url}/api/org/acme/faas/functions`, { headers: bearer(await login(mock, 'acme')) });
    expect(res.status).toBe(404);
  });

  it("keeps the mock's own routes ahead of an extension pattern that also matches them", async () => {
    const echo = await startEcho();
    const mock = await startMock({ httpExtensions: { greedy: echo } });
    await register(mock, await login(mock, 'provider'), serviceXml({ name: 'greedy', patterns: ['/cloudapi/.*'] }));
    const acme = await login(mock, 'acme');
    const res = await fetch(`${mock.url}/cloudapi/1.0.0/sessions/current`, { headers: bearer(acme) });
    expect(res.headers.get('x-echo')).toBeNull();
    expect((await jsonOf(res)).org.name).toBe('acme');
    expect((await fetch(`${mock.url}/cloudapi/other`, { headers: bearer(acme) })).headers.get('x-echo')).toBe('yes');
  });

  it('picks up an endpoint set on the state after start, as npm start does for a backend started later', async () => {
    const mock = await setUp({});
    const acme = await login(mock, 'acme');
    expect((await fetch(`${mock.url}/api/org/acme/faas/functions`, { headers: bearer(acme) })).status).toBe(502);
    mock.state.httpExtensions.serverless = await startEcho();
    expect((await fetch(`${mock.url}/api/org/acme/faas/functions`, { headers: bearer(acme) })).status).toBe(207);
  });
});
