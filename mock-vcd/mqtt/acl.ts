import type { IncomingMessage } from 'node:http';
import { ROLES, uuidOf } from '../orgs/directory';
import type { ExtensionToken, ExternalService, ExternalServices } from '../extensions/external-services';
import type { Session, SessionStore } from '../sessions/store';

/**
 * Who a bus connection is and what it may do, as vCD's broker decides it (docs/vcd-mqtt.md §2, §3). Pure
 * functions over the mock's sessions and external services; broker.ts applies them to aedes' hooks.
 */

export type BusPrincipal =
  | { kind: 'user'; session: Session; orgUuid: string; userUuid: string; isSystemAdmin: boolean; isOrgAdmin: boolean }
  | { kind: 'service'; service: ExternalService; token: ExtensionToken };

export class BusAuthError extends Error {
  constructor(
    message: string,
    /** CONNACK return code: 2 identifier rejected, 3 server unavailable, 4 bad user name or password, 5 not authorized. */
    readonly returnCode: 2 | 3 | 4 | 5,
  ) {
    super(message);
  }
}

const bearerOf = (req: IncomingMessage | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(req?.headers.authorization ?? '')?.[1];

function userPrincipal(session: Session): BusPrincipal {
  return {
    kind: 'user',
    session,
    orgUuid: uuidOf(session.org.id),
    userUuid: uuidOf(session.user.id),
    isSystemAdmin: session.org.isProvider && session.roles.some((r) => r.id === ROLES.sysAdmin.id),
    isOrgAdmin: session.roles.some((r) => r.id === ROLES.orgAdmin.id),
  };
}

/**
 * vCD's three ways in: `Authorization: Bearer <jwt>` on the upgrade (user name and password empty); user name
 * `user@org` with the session JWT as password; user name `vendor/name/version` with its EXTENSION token.
 */
export function authenticateBus(
  deps: { sessions: SessionStore; services: ExternalServices },
  input: { req?: IncomingMessage; username?: string; password?: Buffer },
): BusPrincipal {
  const username = input.username ?? '';
  const password = input.password?.toString('utf8') ?? '';
  if (username.split('/').length === 3) {
    const found = deps.services.authenticate(username, password);
    if (!found) throw new BusAuthError(`no live EXTENSION token of ${username} matches`, 4);
    return { kind: 'service', ...found };
  }
  const bearer = bearerOf(input.req);
  if (bearer) {
    const session = deps.sessions.resolve(bearer);
    if (!session) throw new BusAuthError('the bearer token is unknown, expired or logged out', 4);
    return userPrincipal(session);
  }
  const at = username.lastIndexOf('@');
  if (at <= 0 || !password) throw new BusAuthError('send Authorization: Bearer on the upgrade, or user@org with the session token', 4);
  const session = deps.sessions.resolve(password);
  const [user, org] = [username.slice(0, at).toLowerCase(), username.slice(at + 1).toLowerCase()];
  if (!session || session.user.name.toLowerCase() !== user || session.org.name.toLowerCase() !== org) {
    throw new BusAuthError(`the token is not a live session of ${username}`, 4);
  }
  return userPrincipal(session);
}

/**
 * A subscription filter the principal may hold. Only literal first levels `publish` and `metrics` reach events, so
 * `#`, `+/...` or `topic/#` never see another service's requests (they carry users' tokens).
 */
export function maySubscribe(p: BusPrincipal, filter: string): boolean {
  if (p.kind === 'service') return filter === p.service.mqttTopics.monitor;
  const [root, org, user, ...rest] = filter.split('/');
  if (root === 'metrics' || root === 'publish') {
    if (p.isSystemAdmin) return true;
    if (root === 'metrics' || org !== p.orgUuid) return false;
    if (user === p.userUuid && rest.length === 0) return true;
    // Org admins: the whole org, `publish/{org}/+` or `/#`, or one user's topic.
    return p.isOrgAdmin && rest.length === 0 && user !== undefined && user !== '';
  }
  return false;
}

/** Only a service, only on its own respond topic: the bus is no generic broker. */
export function mayPublish(p: BusPrincipal, topic: string): boolean {
  return p.kind === 'service' && topic === p.service.mqttTopics.respond;
}

/** Who an internally published message may reach, checked again at delivery (defence in depth). */
export function mayReceive(p: BusPrincipal, topic: string): boolean {
  if (topic.startsWith('topic/extension/')) return p.kind === 'service' && topic === p.service.mqttTopics.monitor;
  if (p.kind === 'service') return false;
  const [root, org, user] = topic.split('/');
  if (p.isSystemAdmin) return root === 'publish' || root === 'metrics';
  if (root !== 'publish' || org !== p.orgUuid) return false;
  return p.isOrgAdmin || user === p.userUuid;
}
