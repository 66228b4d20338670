import type { Request, RequestHandler, Response } from 'express';
import type { AuditEntry, AuditKind } from '../../contract/audit';

/**
 * What a route changes, in the words of the audit log. Each feature's router says it on the route itself
 * (`changes(...)` or `noChange(...)` before the handler); the audit trail (server/audit/trail.ts) records a declared
 * change when its answer is a success. Every POST, PUT, PATCH and DELETE route says one or the other:
 * server/audit/declared-changes.test.ts walks the composed routers, so a new route cannot be left out of the log.
 */
export interface DeclaredChange {
  kind: AuditKind;
  action: AuditEntry['action'];
  /** What was changed, as a reader of the log would name it ("function hello"). */
  target: (req: Request) => string;
}

const DECLARES = Symbol('declares');
/** Path parameters as the routes name them (`:id`), so a route's own handler keeps them typed as strings. */
type Handler = RequestHandler<Record<string, string>>;
type Declaring = Handler & { [DECLARES]?: DeclaredChange | { none: string } };

/** Route middleware: a successful answer of this route is a change the audit log records. */
export function changes(kind: AuditKind, action: AuditEntry['action'], target: string | ((req: Request) => string)): Handler {
  const change: DeclaredChange = { kind, action, target: typeof target === 'string' ? () => target : target };
  const handler: Declaring = (_req, res, next) => {
    res.locals.change = change;
    next();
  };
  handler[DECLARES] = change;
  return handler;
}

/** Route middleware of a mutating route that changes nothing the log keeps (a call, a test, a dry run), and why. */
export function noChange(why: string): Handler {
  const handler: Declaring = (_req, _res, next) => next();
  handler[DECLARES] = { none: why };
  return handler;
}

/** A thing named by a path parameter (or, on create, the body's name): `named('function', 'name')`. */
export function named(what: string, param?: string): (req: Request) => string {
  return (req) => {
    const fromPath = param ? req.params[param] : undefined;
    const body = req.body as { name?: unknown } | undefined;
    return `${what} ${fromPath ?? (typeof body?.name === 'string' ? body.name : '')}`.trim();
  };
}

/** The change the route that answered declared, if any. */
export function declaredChange(res: Response): DeclaredChange | undefined {
  return res.locals.change as DeclaredChange | undefined;
}

/** What a route handler declares (for the test that walks the routers). */
export function declarationOf(handler: unknown): DeclaredChange | { none: string } | undefined {
  return (handler as Declaring)[DECLARES];
}
