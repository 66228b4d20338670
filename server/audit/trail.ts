import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { AuditEntry, AuditKind } from '../../contract/audit';
import { principal } from '../http/auth';
import type { NewAuditEntry } from './store';

type Action = AuditEntry['action'];
interface Change {
  method: string;
  path: RegExp;
  kind: AuditKind;
  action: Action;
  target: (m: RegExpMatchArray, body: Record<string, unknown>) => string;
}

const named = (what: string) => (m: RegExpMatchArray, body: Record<string, unknown>) => `${what} ${m[1] ?? (typeof body.name === 'string' ? body.name : '')}`.trim();

/**
 * The changes the log records, by method and path below /api/org/{org}. Calls, tests, dry runs and alerts are not
 * changes; the provider's limits are recorded by the limits service itself, with before and after.
 */
const CHANGES: Change[] = [
  { method: 'POST', path: /^\/faas\/functions\/?$/, kind: 'functions', action: 'create', target: named('function') },
  { method: 'PUT', path: /^\/faas\/functions\/([^/]+)\/?$/, kind: 'versions', action: 'update', target: named('function') },
  { method: 'POST', path: /^\/faas\/functions\/([^/]+)\/rollback\/?$/, kind: 'versions', action: 'rollback', target: named('function') },
  { method: 'DELETE', path: /^\/faas\/functions\/([^/]+)\/?$/, kind: 'functions', action: 'delete', target: named('function') },
  { method: 'POST', path: /^\/showback\/sources\/?$/, kind: 'sources', action: 'create', target: named('source') },
  { method: 'PUT', path: /^\/showback\/sources\/([^/]+)\/?$/, kind: 'sources', action: 'update', target: named('source') },
  { method: 'DELETE', path: /^\/showback\/sources\/([^/]+)\/?$/, kind: 'sources', action: 'delete', target: named('source') },
  { method: 'POST', path: /^\/showback\/sources\/([^/]+)\/run\/?$/, kind: 'sources', action: 'run', target: named('source') },
  { method: 'POST', path: /^\/showback\/imports\/?$/, kind: 'imports', action: 'create', target: () => 'FOCUS import' },
  { method: 'PUT', path: /^\/showback\/ratecard\/?$/, kind: 'ratecard', action: 'update', target: () => 'rate card' },
  { method: 'POST', path: /^\/showback\/budgets\/?$/, kind: 'budgets', action: 'create', target: named('budget') },
  { method: 'PUT', path: /^\/showback\/budgets\/([^/]+)\/?$/, kind: 'budgets', action: 'update', target: named('budget') },
  { method: 'DELETE', path: /^\/showback\/budgets\/([^/]+)\/?$/, kind: 'budgets', action: 'delete', target: named('budget') },
  { method: 'POST', path: /^\/showback\/webhook-secret\/?$/, kind: 'budgets', action: 'update', target: () => 'budget webhook secret' },
  { method: 'POST', path: /^\/autoscale\/rules\/?$/, kind: 'rules', action: 'create', target: named('rule') },
  { method: 'PUT', path: /^\/autoscale\/rules\/([^/]+)\/?$/, kind: 'rules', action: 'update', target: named('rule') },
  { method: 'DELETE', path: /^\/autoscale\/rules\/([^/]+)\/?$/, kind: 'rules', action: 'delete', target: named('rule') },
];

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

function entryOf(req: Request, res: Response, change: Change, match: RegExpMatchArray): NewAuditEntry {
  const p = principal(res);
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const { fields, secrets } = describeBody(req.body);
  // A change of a function's secrets only is a secrets change.
  const kind = change.kind === 'versions' && fields.length === 1 && fields[0] === 'secrets' ? 'secrets' : change.kind;
  return {
    org: String(res.locals.org),
    actor: { user: p.userName, org: p.orgName, role: p.isProvider ? 'provider' : 'tenant' },
    kind,
    action: change.action,
    target: change.target(match, body).slice(0, 200),
    fields,
    secrets,
    before: null,
    after: null,
  };
}

/**
 * After auth, tenancy and body parsing: a successful change is recorded before its answer leaves, so whoever got
 * the answer finds the entry. A failed write of the log is logged, never turned into a failed change.
 */
export function auditTrail(record: (entry: NewAuditEntry) => Promise<void>, log: Logger): RequestHandler {
  return (req, res, next) => {
    const path = req.path;
    const change = CHANGES.find((c) => c.method === req.method && c.path.test(path));
    if (!change) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode >= 400) return end(...args);
      const entry = entryOf(req, res, change, path.match(change.path) as RegExpMatchArray);
      record(entry)
        .catch((err: unknown) => log.error({ org: entry.org, kind: entry.kind, err: (err as Error).message }, 'audit entry not written'))
        .finally(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}
