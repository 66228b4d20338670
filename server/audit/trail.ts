import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { principal } from '../http/auth';
import { declaredChange, type DeclaredChange } from '../http/changes';
import type { NewAuditEntry } from './store';

/** A change's fields by name, and its secrets by name: what was set and what removed. Never a value. */
export function describeBody(body: unknown): Pick<NewAuditEntry, 'fields' | 'secrets'> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { fields: [], secrets: null };
  const b = body as Record<string, unknown>;
  const fields = Object.keys(b).sort();
  const s = b.secrets;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return { fields, secrets: null };
  const entries = Object.entries(s as Record<string, unknown>);
  return { fields, secrets: { set: entries.filter(([, v]) => v !== null).map(([k]) => k).sort(), removed: entries.filter(([, v]) => v === null).map(([k]) => k).sort() } };
}

function entryOf(req: Request, res: Response, change: DeclaredChange): NewAuditEntry {
  const p = principal(res);
  const { fields, secrets } = describeBody(req.body);
  // A change of a function's secrets only is a secrets change.
  const kind = change.kind === 'versions' && fields.length === 1 && fields[0] === 'secrets' ? 'secrets' : change.kind;
  return {
    org: String(res.locals.org),
    actor: { user: p.userName, org: p.orgName, role: p.isProvider ? 'provider' : 'tenant' },
    kind,
    action: change.action,
    target: change.target(req).slice(0, 200),
    fields,
    secrets,
    before: null,
    after: null,
  };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After auth, tenancy and body parsing: a successful change that its route declared (server/http/changes.ts) is
 * recorded before its answer leaves, so whoever got the answer finds the entry. Calls, tests, dry runs and alerts
 * are not changes; the provider's limits are recorded by the limits service itself, with before and after.
 * A failed write of the log is logged, never turned into a failed change.
 */
export function auditTrail(record: (entry: NewAuditEntry) => Promise<void>, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (READS.has(req.method)) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const change = declaredChange(res);
      if (!change || res.statusCode >= 400) return end(...args);
      const entry = entryOf(req, res, change);
      record(entry)
        .catch((err: unknown) => log.error({ org: entry.org, kind: entry.kind, err: (err as Error).message }, 'audit entry not written'))
        .finally(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}
