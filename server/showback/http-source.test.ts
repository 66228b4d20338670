import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, problemOf, startHarness, type Harness } from '../testing/harness';
import { hostAllowed } from './drivers/http-source';

const SB = '/api/org/acme/showback';
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

/** A billing endpoint that misbehaves by path: /slow never answers, /redirect points at /ok, /ok answers one charge. */
async function startBadEndpoint(): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/slow')) return; // never answers
    if (req.url?.startsWith('/redirect')) {
      res.writeHead(302, { Location: '/ok' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ items: [{ id: 'c-1', start: `${day(-1)}T00:00:00Z`, end: `${day(0)}T00:00:00Z`, cost: 1.25, service: 'compute', currency: 'EUR' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('HTTP billing source safety', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let endpoint: Awaited<ReturnType<typeof startBadEndpoint>>;
  const source = (name: string, url: string) => ({ kind: 'http', name, schedule: '0 3 * * *', config: { url } });

  beforeAll(async () => {
    endpoint = await startBadEndpoint();
    h = await startHarness('postgres', {
      backend: { showbackHttpAllowedHosts: `${endpoint.host}, *.billing.example`, showbackHttpTimeoutMs: 300, showbackHttpMaxBytes: 4096, showbackRetryBaseMs: 60_000 },
    });
    acme = api(() => h.backend.url, await h.login('acme'));
  });
  afterAll(async () => {
    await h?.close();
    await endpoint?.close();
  });

  it('refuses a source whose host is not allowed, naming config.url', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', `http://127.0.0.1:1/charges`, 'https://billing.example.evil.test/x']) {
      const res = await acme.post(`${SB}/sources`, source(`refused ${url}`, url));
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'config.url', message: expect.stringMatching(/not in the allowed hosts/) })]);
    }
    const updated = await jsonOf(await acme.post(`${SB}/sources`, source('ok', `${endpoint.url}/ok`)));
    const moved = await acme.put(`${SB}/sources/${updated.id}`, { config: { url: 'http://10.0.0.1/charges' } });
    expect(moved.status).toBe(400);
    expect((await problemOf(moved)).errors?.[0].path).toBe('config.url');
    // The vCD host (the vRB-like billing API of the mock) and a wildcard entry are allowed.
    expect((await acme.post(`${SB}/sources`, source('vrb', `${h.mock.url}/billing/api/v1/orgs/{org}/charges`))).status).toBe(201);
    expect((await acme.post(`${SB}/sources`, source('wild', 'https://eu.billing.example/charges'))).status).toBe(201);
  });

  it('fails a run whose source does not answer in time, answers too much, or redirects, and says which', async () => {
    const cases: [string, string, RegExp][] = [
      ['slow', `${endpoint.url}/slow`, /did not answer within 300 ms/],
      ['big', `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, /more than the 4096 bytes allowed/],
      ['redirect', `${endpoint.url}/redirect`, /redirect/],
    ];
    for (const [name, url, reason] of cases) {
      const created = await jsonOf(await acme.post(`${SB}/sources`, { ...source(name, url), config: { url, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } } }));
      const run = await jsonOf(await acme.post(`${SB}/sources/${created.id}/run`, { from: day(-60), to: day(0) }));
      expect(run, name).toMatchObject({ status: 'failed', rowsWritten: 0 });
      expect(run.error, name).toMatch(reason);
    }
    const ok = await jsonOf(await acme.post(`${SB}/sources`, source('fine', `${endpoint.url}/ok`)));
    expect(await jsonOf(await acme.post(`${SB}/sources/${ok.id}/run`, {}))).toMatchObject({ status: 'succeeded', rowsWritten: 1 });
  });

  it('refuses to test and fails the run of a stored source once its host is no longer allowed', async () => {
    const created = await jsonOf(await acme.post(`${SB}/sources`, source('later refused', `${endpoint.url}/ok`)));
    await h.restart({ showbackHttpAllowedHosts: '' });
    const test = await acme.post(`${SB}/sources/${created.id}/test`, {});
    expect(test.status).toBe(400);
    expect((await problemOf(test)).detail).toMatch(new RegExp(`may not call ${endpoint.host.replace(/\./g, '\\.')}`));
    const run = await jsonOf(await acme.post(`${SB}/sources/${created.id}/run`, {}));
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/may not call/);
  });
});

describe('hostAllowed', () => {
  it('matches a host, a host with port and a wildcard domain, never a look-alike', () => {
    const allowed = ['billing.local', 'api.example.com:8443', '*.vrb.example'];
    expect(hostAllowed(new URL('http://billing.local/x'), allowed)).toBe(true);
    expect(hostAllowed(new URL('https://api.example.com:8443/x'), allowed)).toBe(true);
    expect(hostAllowed(new URL('https://api.example.com/x'), allowed)).toBe(false);
    expect(hostAllowed(new URL('https://eu.vrb.example/x'), allowed)).toBe(true);
    expect(hostAllowed(new URL('https://vrb.example.attacker.test/x'), allowed)).toBe(false);
    expect(hostAllowed(new URL('https://evilvrb.example/x'), allowed)).toBe(false);
    expect(hostAllowed(new URL('http://billing.local.attacker.test/x'), allowed)).toBe(false);
  });
});
