import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { Router, type Express, type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantFront, type TenantMount } from './tenant-front';

/**
 * The tenant front must be invisible: every URL answered exactly as Express's own `app.use('/api/org/:org', ...)`
 * with mounted routers and a `/*route` fallback answers it (which handler, and the url, baseUrl and params it sees).
 */
const echo =
  (who: string): RequestHandler =>
  (req, res) => {
    res.json({ who, url: req.url, baseUrl: req.baseUrl, params: req.params, path: req.path, originalUrl: req.originalUrl, seen: res.locals.seen });
  };

function mounts(): TenantMount[] {
  const faasA = Router({ mergeParams: true });
  faasA.get('/functions', echo('faas-a list'));
  faasA.post('/functions/:name', (req, _res, next) => next(req.params.name === 'boom' ? new Error('boom') : undefined));
  const faasB = Router({ mergeParams: true });
  faasB.get('/functions/:name', echo('faas-b get'));
  faasB.get('/skip', (_req, _res, next) => next('router'));
  faasB.get('/', echo('faas-b root'));
  const provider = Router();
  provider.get('/limits/:org', echo('provider limits'));
  return [
    { path: '/faas', router: faasA },
    { path: '/faas', router: faasB },
    { path: '/provider', router: provider },
  ];
}

const before: RequestHandler[] = [
  (req, res, next) => {
    res.locals.seen = [`before ${req.url} ${req.baseUrl} ${String(req.params.org)}`];
    next(req.get('x-fail') ? new Error('refused') : undefined);
  },
];

function appWith(front: boolean): Express {
  const app = express();
  const m = mounts();
  if (front) app.use(tenantFront({ before, mounts: m, fallback: echo('fallback') }));
  const tenant = Router({ mergeParams: true });
  for (const h of before) tenant.use(h);
  for (const { path, router } of m) tenant.use(path, router);
  tenant.all('/*route', echo('fallback'));
  app.use('/api/org/:org', tenant);
  app.use((req, res) => res.status(404).json({ notFound: req.path }));
  app.use(((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: String(err.message) })) as express.ErrorRequestHandler);
  return app;
}

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const URLS: [string, string, Record<string, string>?][] = [
  ['GET', '/api/org/acme/faas/functions'],
  ['GET', '/api/org/ACME/FAAS/Functions?x=1&y=%20'],
  ['GET', '/api/org/acme/faas/functions/hello'],
  ['GET', '/api/org/acme/faas'],
  ['GET', '/api/org/acme/faas/skip'],
  ['GET', '/api/org/acme/faas/nothing/here'],
  ['POST', '/api/org/acme/faas/functions/boom'],
  ['POST', '/api/org/acme/faas/functions/fine'],
  ['GET', '/api/org/acme/provider/limits/globex'],
  ['GET', '/api/org/acme/providers'],
  ['GET', '/api/org/acme/hello'],
  ['GET', '/api/org/acme/a%2Fb/c%20d?q=1'],
  ['GET', '/api/org/ac%20me/hello'],
  ['GET', '/api/org/acme/hello', { 'x-fail': '1' }],
  // Not plain: left to Express's router.
  ['GET', '/api/org/acme/hello/'],
  ['GET', '/api/org/acme//hello'],
  ['GET', '/api/org/acme'],
  ['GET', '/api/org/acme/'],
  ['GET', '/api/org/%zz/hello'],
  ['GET', '/api/org/acme/%zz'],
  ['GET', '/elsewhere'],
];

describe('the tenant front', () => {
  let withFront: { server: Server; url: string };
  let plain: { server: Server; url: string };
  beforeAll(async () => {
    withFront = await listen(appWith(true));
    plain = await listen(appWith(false));
  });
  afterAll(() => {
    withFront.server.close();
    plain.server.close();
  });

  it.each(URLS)('answers %s %s exactly as Express mounts do', async (method, url, headers = {}) => {
    const [a, b] = await Promise.all(
      [withFront, plain].map(async (s) => {
        const res = await fetch(s.url + url, { method, headers });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(a).toEqual(b);
  });

  it('hands a function path to the fallback with its decoded segments, after the middleware', async () => {
    const res = await fetch(`${withFront.url}/api/org/acme/a%2Fb/c%20d?q=1`);
    expect(await res.json()).toMatchObject({
      who: 'fallback',
      params: { org: 'acme', route: ['a/b', 'c d'] },
      baseUrl: '/api/org/acme',
      url: '/a%2Fb/c%20d?q=1',
      seen: ['before /a%2Fb/c%20d?q=1 /api/org/acme acme'],
    });
  });
});
