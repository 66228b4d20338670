import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { VropsGroupCreateSchema, VropsGroupListSchema, VropsGroupSchema } from '../../contract/autoscale-vrops';
import { ProblemSchema } from '../../contract/problem';
import { changes, named } from '../http/changes';
import type { VropsGroups } from './vrops-groups';

const org = (res: Response): string => res.locals.org as string;

/** /api/org/{org}/autoscale/catalog/vrops-groups: the org's vROps custom groups the wizard picks from or makes. */
export function vropsGroupRoutes(groups: VropsGroups): Router {
  const router = Router({ mergeParams: true });
  router.get('/catalog/vrops-groups', async (_req, res) => {
    res.json(await groups.list(org(res)));
  });
  router.post('/catalog/vrops-groups', changes('vropsGroups', 'create', named('vROps group')), async (req, res) => {
    res.status(201).json(await groups.create(org(res), req.body));
  });
  return router;
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });

export function registerVropsGroupPaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const path = '/api/org/{org}/autoscale/catalog/vrops-groups';
  const params = z.object({ org: common.org });
  const errors = { 400: problem('Invalid field (named in errors[])'), 401: problem('No, wrong or expired vCD session'), 403: problem('The organization is not the session\'s') };
  const base = { tags: ['autoscale'], security: common.security };
  registry.registerPath({ ...base, method: 'get', path, summary: 'The org\'s vROps custom groups a rule may keep its VMs in (empty, configured false, without vROps)', request: { params }, responses: { 200: json(VropsGroupListSchema, 'Groups'), ...errors } });
  registry.registerPath({
    ...base,
    method: 'post',
    path,
    summary: 'Make a vROps custom group for the org (named "[<org>] <name>" in vROps)',
    request: { params, body: { content: { 'application/json': { schema: VropsGroupCreateSchema } }, required: true } },
    responses: { 201: json(VropsGroupSchema, 'Created'), 409: problem('A group of that name exists'), 502: problem('vROps failed'), ...errors },
  });
}
