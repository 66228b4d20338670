import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { SecurityContextSchema, type SecurityContext } from '../../contract/security-context';
import { Unauthenticated } from '../errors';
import type { VcdClient } from '../vcd/client';
import type { SessionCache } from './session-cache';

/** Who is calling: from vCD's forwarded security context or from the session behind the bearer token. */
export interface Principal {
  userName: string;
  userId: string;
  orgName: string;
  orgId: string;
  roles: string[];
  /** A System (provider) session may act on any org. */
  isProvider: boolean;
}

export const PROVIDER_ORG = 'system';

function principalOf(p: Omit<Principal, 'isProvider'>): Principal {
  return { ...p, isProvider: p.orgName.toLowerCase() === PROVIDER_ORG };
}

/** The principal in a signed security context, or undefined when absent, unsigned or not ours. */
export function trustedContext(req: Request, secret: string | undefined): Principal | undefined {
  const context = req.get('x-vcloud-security-context');
  const signature = req.get('x-vcloud-context-signature');
  if (!secret || !context || !signature) return undefined;
  const expected = createHmac('sha256', secret).update(context).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(context, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  // X-VCloud-Security-Context, base64 JSON (docs/architecture.md); over HTTP the names are required.
  const parsed = SecurityContextSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  if (!c.userName || !c.orgName) return undefined;
  return principalOf({ userName: c.userName, userId: c.user, orgName: c.orgName, orgId: c.org, roles: c.roles ?? [] });
}

/**
 * The security context of a request that came over the broker (server/transport/amqp), set on the request object in
 * process under this symbol: no HTTP client can set it, so only the broker path is trusted this way.
 */
export const BROKER_CONTEXT = Symbol('vcd-broker-security-context');

/** What the bridge sets under BROKER_CONTEXT: the message's security context (contract/security-context.ts). */
export type BrokerContext = Pick<SecurityContext, 'user' | 'org' | 'userName' | 'orgName' | 'roles'>;

function brokerContext(req: Request): BrokerContext | undefined {
  return (req as unknown as Record<symbol, BrokerContext | undefined>)[BROKER_CONTEXT];
}

/** `Authorization: Bearer`, else vCD's legacy `x-vcloud-authorization`. */
export function sessionToken(req: Request): { token: string; scheme: 'bearer' | 'legacy' } | undefined {
  const auth = req.get('authorization');
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (match) return { token: match[1], scheme: 'bearer' };
  const legacy = req.get('x-vcloud-authorization')?.trim();
  return legacy ? { token: legacy, scheme: 'legacy' } : undefined;
}

export interface AuthOptions {
  vcd: VcdClient;
  sharedSecret?: string;
  cache: SessionCache<Principal>;
}

/** Sets res.locals.principal or answers 401; never logs or stores a token. */
export function authenticate(options: AuthOptions): RequestHandler {
  return async (req, res, next) => {
    const broker = brokerContext(req);
    if (broker?.userName && broker.orgName) {
      res.locals.principal = principalOf({ userName: broker.userName, userId: broker.user, orgName: broker.orgName, orgId: broker.org, roles: broker.roles ?? [] });
      return next();
    }
    const fromContext = broker ? undefined : trustedContext(req, options.sharedSecret);
    if (fromContext) {
      res.locals.principal = fromContext;
      return next();
    }
    const credential = sessionToken(req);
    if (!credential) return next(new Unauthenticated('no vCD session: send Authorization: Bearer <vCD access token>'));
    const { token, scheme } = credential;
    const sameUser = (p: Principal) => !broker || (p.userId === broker.user && p.orgId === broker.org);
    const cached = options.cache.get(token);
    if (cached) {
      if (!sameUser(cached)) return next(new Unauthenticated('the vCD session does not belong to the security context\'s user'));
      res.locals.principal = cached;
      return next();
    }
    const session = await options.vcd.currentSession(token, scheme);
    if (!session) return next(new Unauthenticated('the vCD session token is wrong or expired'));
    const principal = principalOf({
      userName: session.user.name,
      userId: session.user.id,
      orgName: session.org.name,
      orgId: session.org.id,
      roles: session.roles,
    });
    options.cache.set(token, principal, session.id);
    if (!sameUser(principal)) return next(new Unauthenticated('the vCD session does not belong to the security context\'s user'));
    res.locals.principal = principal;
    next();
  };
}

export function principal(res: { locals: Record<string, unknown> }): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Unauthenticated('no vCD session');
  return p;
}
