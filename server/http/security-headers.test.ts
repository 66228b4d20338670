import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { API_HELMET, securityHeaders } from './limits';

/** The headers an app answers with, but the ones that differ per answer. */
async function headersOf(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/x', (_req, res) => res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    const all = Object.fromEntries(res.headers.entries());
    for (const k of ['date', 'etag', 'keep-alive', 'connection']) delete all[k];
    return all;
  } finally {
    server.close();
  }
}

describe('the API security headers', () => {
  it('are exactly the headers helmet sets with the API settings, from a list made once', async () => {
    const expected = await headersOf(helmet(API_HELMET));
    expect(await headersOf(securityHeaders())).toEqual(expected);
    expect(expected['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(expected['cross-origin-resource-policy']).toBe('same-origin');
    expect(Object.keys(expected).length).toBeGreaterThan(10);
  });
});
