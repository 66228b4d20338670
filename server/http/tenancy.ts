import type { RequestHandler } from 'express';
import { Forbidden } from '../errors';
import { principal } from './auth';

/** The org a tenant URL names, normalised the way rows are keyed (vCD org names are case-insensitive). */
export function orgKey(org: string): string {
  return org.toLowerCase();
}

/** `{org}` in the URL must be the caller's own org, unless the caller is the provider. */
export const requireOrgAccess: RequestHandler = (req, res, next) => {
  const p = principal(res);
  const org = String(req.params.org ?? '');
  if (!p.isProvider && orgKey(org) !== orgKey(p.orgName)) {
    return next(new Forbidden(`organization "${org}" is not the session's organization`));
  }
  res.locals.org = orgKey(org);
  next();
};
