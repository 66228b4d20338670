/** vCD's `GET /cloudapi/1.0.0/sessions/current` answer, the fields the portal reads (VCD-WIRE §2). */
export interface VcdSessionWire {
  id?: string;
  user?: { name?: string; id?: string };
  org?: { name?: string; id?: string };
  roles?: string[];
}

export type PortalScope = 'tenant' | 'provider';

/** The portal a shell shows (scope and org): what its plugin routes and their token values are built for. */
export interface PluginContext {
  scope: PortalScope;
  orgName: string;
  orgId: string;
}

/** What the portal keeps about the logged-in user, in sessionStorage like vCD's own UI. */
export interface PortalSession {
  token: string;
  scope: PortalScope;
  userName: string;
  userId: string;
  orgName: string;
  orgId: string;
  roles: string[];
}

export const PROVIDER_ORG = 'System';
export const VCD_ACCEPT = 'application/json;version=37.0';

export function toPortalSession(token: string, wire: VcdSessionWire, fallback: { user: string; org: string }): PortalSession {
  const orgName = wire.org?.name ?? fallback.org;
  return {
    token,
    scope: orgName.toLowerCase() === PROVIDER_ORG.toLowerCase() ? 'provider' : 'tenant',
    userName: wire.user?.name ?? fallback.user,
    userId: wire.user?.id ?? '',
    orgName,
    orgId: wire.org?.id ?? '',
    roles: wire.roles ?? [],
  };
}

/** `user@org` or a user plus an org field; the last `@` separates them (user names may hold one). */
export function parseLogin(login: string, orgField: string): { user: string; org: string } {
  const at = login.lastIndexOf('@');
  if (at > 0) return { user: login.slice(0, at).trim(), org: login.slice(at + 1).trim() || orgField.trim() };
  return { user: login.trim(), org: orgField.trim() };
}

/** The URL of a user's landing page: the tenant portal of their org, or the provider portal. */
export function homeUrl(session: Pick<PortalSession, 'scope' | 'orgName'>): string {
  return session.scope === 'provider' ? '/provider' : `/tenant/${encodeURIComponent(session.orgName)}`;
}
