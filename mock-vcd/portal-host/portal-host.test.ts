import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockPerTest } from '../testing/mock';

const startMock = mockPerTest();
const portalDir = mkdtempSync(path.join(tmpdir(), 'mock-portal-'));
writeFileSync(path.join(portalDir, 'index.html'), '<!doctype html><title>portal</title><app-root></app-root>');
writeFileSync(path.join(portalDir, 'main-ABC123.js'), 'console.log("portal")');
afterAll(() => rmSync(portalDir, { recursive: true, force: true }));

describe('portal host', () => {
  it('redirects / to the login page', async () => {
    const mock = await startMock({ portalDir });
    const res = await fetch(`${mock.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });

  it("answers the portal's index.html for its client-side routes and serves its assets", async () => {
    const mock = await startMock({ portalDir });
    for (const route of ['/login', '/tenant/acme', '/tenant/acme/plugins/serverless/functions', '/provider/plugins/serverless']) {
      const res = await fetch(mock.url + route);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('<app-root>');
    }
    const asset = await fetch(`${mock.url}/main-ABC123.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toContain('portal');
    expect((await fetch(`${mock.url}/no-such-page`)).status).toBe(404);
  });

  it('tells the user to build the portal when it is not built', async () => {
    const mock = await startMock({ portalDir: path.join(portalDir, 'missing') });
    const res = await fetch(`${mock.url}/login`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:portal');
  });
});
