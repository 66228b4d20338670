import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, Router } from 'express';

/** Client-side routes of the portal that answer its index.html. */
const SPA_ROUTE = /^\/(login|tenant|provider)(\/|$)/;

/**
 * Serves the built portal host (`npm run build:portal` → dist/portal/browser) at `/`, with the SPA fallback to
 * index.html for its routes. Checked per request, so a portal built after the mock started is picked up.
 */
export function portalHost(options: { portalDir: string }): Router {
  const router = Router();
  const index = path.join(options.portalDir, 'index.html');

  router.get('/', (req, res) => res.redirect(302, '/login'));
  router.use(express.static(options.portalDir, { index: false, fallthrough: true }));
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (!SPA_ROUTE.test(req.path)) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send(`The mock vCD portal is not built (no ${path.relative(process.cwd(), index) || index}).\nRun \`npm run build:portal\`, then reload this page.\n`);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
