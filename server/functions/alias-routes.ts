import { Router, type Request, type Response } from 'express';
import { changes } from '../http/changes';
import type { FunctionAliases } from './aliases';

const org = (res: Response): string => res.locals.org as string;
/** "alias beta of function hello" (on create the alias is the body's name). */
const aliasOf = (req: Request): string => {
  const body = req.body as { name?: unknown } | undefined;
  return `alias ${req.params.alias ?? (typeof body?.name === 'string' ? body.name : '')} of function ${String(req.params.name)}`;
};
const fnName = (req: Request, res: Response): string => {
  res.locals.function = req.params.name;
  return String(req.params.name);
};

/** /api/org/{org}/faas/functions/{name}/aliases and /history (mounted after auth and tenancy, beside functionsRoutes). */
export function aliasRoutes(aliases: FunctionAliases): Router {
  const router = Router({ mergeParams: true });
  router.get('/functions/:name/aliases', async (req, res) => {
    res.json(await aliases.list(org(res), fnName(req, res)));
  });
  router.post('/functions/:name/aliases', changes('aliases', 'create', aliasOf), async (req, res) => {
    const name = fnName(req, res);
    const alias = await aliases.create(org(res), name, req.body);
    res.status(201).location(`${req.baseUrl}/functions/${name}/aliases/${alias.name}`).json(alias);
  });
  router.get('/functions/:name/aliases/:alias', async (req, res) => {
    res.json(await aliases.get(org(res), fnName(req, res), String(req.params.alias)));
  });
  router.put('/functions/:name/aliases/:alias', changes('aliases', 'update', aliasOf), async (req, res) => {
    res.json(await aliases.update(org(res), fnName(req, res), String(req.params.alias), req.body));
  });
  router.post('/functions/:name/aliases/:alias/promote', changes('aliases', 'promote', aliasOf), async (req, res) => {
    res.json(await aliases.promote(org(res), fnName(req, res), String(req.params.alias)));
  });
  router.post('/functions/:name/aliases/:alias/rollback', changes('aliases', 'rollback', aliasOf), async (req, res) => {
    res.json(await aliases.rollback(org(res), fnName(req, res), String(req.params.alias)));
  });
  router.delete('/functions/:name/aliases/:alias', changes('aliases', 'delete', aliasOf), async (req, res) => {
    await aliases.remove(org(res), fnName(req, res), String(req.params.alias));
    res.status(204).end();
  });
  router.get('/functions/:name/history', async (req, res) => {
    res.json(await aliases.history(org(res), fnName(req, res), req.query));
  });
  return router;
}
