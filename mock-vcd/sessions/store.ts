import { randomBytes, randomUUID } from 'node:crypto';
import { type Directory, type Org, type Role, type User, findOrgById, rolesOf } from '../orgs/directory';

export interface Session {
  id: string;
  user: User;
  org: Org;
  roles: Role[];
  /** The JWT-like bearer token (X-VMWARE-VCLOUD-ACCESS-TOKEN). */
  accessToken: string;
  /** The legacy token (x-vcloud-authorization), accepted wherever the bearer token is. */
  legacyToken: string;
  lastUsedAt: number;
}

export interface SessionStoreOptions {
  idleTimeoutMs: number;
  now: () => number;
}

/** Live sessions by token, with vCD's idle expiry: each authenticated call restarts the idle clock. */
export class SessionStore {
  private readonly byToken = new Map<string, Session>();

  constructor(
    private readonly directory: Directory,
    readonly options: SessionStoreOptions,
  ) {}

  get idleTimeoutMinutes(): number {
    return Math.max(1, Math.ceil(this.options.idleTimeoutMs / 60_000));
  }

  create(user: User): Session {
    const org = findOrgById(this.directory, user.orgId);
    if (!org) throw new Error(`user ${user.id} has no org`);
    const session: Session = {
      id: `urn:vcloud:session:${randomUUID()}`,
      user,
      org,
      roles: rolesOf(this.directory, user),
      accessToken: randomBytes(32).toString('base64url'),
      legacyToken: randomBytes(24).toString('hex'),
      lastUsedAt: this.options.now(),
    };
    this.byToken.set(session.accessToken, session);
    this.byToken.set(session.legacyToken, session);
    return session;
  }

  /** The live session of a token, touched; undefined when unknown, logged out or idle too long. */
  resolve(token: string): Session | undefined {
    const session = this.byToken.get(token);
    if (!session) return undefined;
    const now = this.options.now();
    if (now - session.lastUsedAt > this.options.idleTimeoutMs) {
      this.revoke(session);
      return undefined;
    }
    session.lastUsedAt = now;
    return session;
  }

  revoke(session: Session): void {
    this.byToken.delete(session.accessToken);
    this.byToken.delete(session.legacyToken);
  }
}

/** The session JSON of cloudapi (`GET /cloudapi/1.0.0/sessions/current`). */
export function toSessionJson(session: Session, store: SessionStore, site: { name: string; id: string }) {
  const orgRef = { name: session.org.name, id: session.org.id };
  return {
    id: session.id,
    site,
    user: { name: session.user.name, id: session.user.id },
    org: orgRef,
    operatingOrg: orgRef,
    location: `${site.id.replace('urn:vcloud:site:', 'urn:vcloud:location:')}`,
    roles: session.roles.map((r) => r.name),
    roleRefs: session.roles.map((r) => ({ name: r.name, id: r.id })),
    sessionIdleTimeoutMinutes: store.idleTimeoutMinutes,
  };
}
