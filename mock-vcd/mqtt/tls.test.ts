import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockPerTest } from '../testing/mock';
import { busClients, withBearer } from './testing';

const get = (url: string, ca?: Buffer) =>
  new Promise<number>((resolve, reject) => {
    https.get(url, { ca, headers: { Accept: 'application/json;version=37.0' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });

describe('MOCK_VCD_TLS: the mock vCD over HTTPS with its own certificate', () => {
  const startMock = mockPerTest();
  const connect = busClients();
  const dir = mkdtempSync(path.join(tmpdir(), 'mock-vcd-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API and the wss bus to a client that trusts the generated certificate, and refuses one that does not', async () => {
    const mock = await startMock({ tls: { dir } });
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.mqttUrl).toMatch(/^wss:\/\//);
    const ca = readFileSync(mock.caFile!);
    expect(statSync(path.join(dir, 'mock-vcd-key.pem')).mode & 0o077).toBe(0);
    expect(await get(`${mock.url}/cloudapi/1.0.0/sessions/current`, ca)).toBe(401);
    await expect(get(`${mock.url}/cloudapi/1.0.0/sessions/current`)).rejects.toThrow(/self-signed|self signed/i);
    // Node's fetch takes no CA: log in over https.request instead.
    const token = await new Promise<string>((resolve, reject) => {
      const req = https.request(`${mock.url}/cloudapi/1.0.0/sessions`, {
        method: 'POST',
        ca,
        headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}` },
      }, (res) => resolve(String(res.headers['x-vmware-vcloud-access-token'])));
      req.on('error', reject).end();
    });
    const client = await connect(mock, { ...withBearer(token), ca });
    expect(client.connected).toBe(true);
    await expect(connect(mock, withBearer(token))).rejects.toThrow(/self-signed|self signed/i);
  });

  it('keeps the certificate across restarts, so a client that trusts it keeps trusting', async () => {
    const first = await startMock({ tls: { dir } });
    const before = readFileSync(first.caFile!, 'utf8');
    const second = await startMock({ tls: { dir } });
    expect(readFileSync(second.caFile!, 'utf8')).toBe(before);
  });
});
