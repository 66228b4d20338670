import { createHmac } from 'node:crypto';
import type { NamedSecurityContext } from '../../contract/security-context';
import type { Session } from '../sessions/store';

/**
 * The security context vCD attaches to an extension request (user, org, rights), plus names so the backend needs
 * no lookup, as the headers docs/architecture.md agrees on.
 */
export function securityContextHeaders(session: Session, sharedSecret: string | undefined): Record<string, string> {
  const context = securityContextOf(session);
  const encoded = Buffer.from(JSON.stringify(context), 'utf8').toString('base64');
  const headers: Record<string, string> = { 'X-VCloud-Security-Context': encoded };
  if (sharedSecret) headers['X-VCloud-Context-Signature'] = signContext(encoded, sharedSecret);
  return headers;
}

/** Hex HMAC-SHA256 of the header value as sent. */
export function signContext(encodedContext: string, sharedSecret: string): string {
  return createHmac('sha256', sharedSecret).update(encodedContext).digest('hex');
}

/** vCD's AMQP security context (user, org, rights) plus the names, as both forwarding modes send it (contract/security-context.ts). */
export function securityContextOf(session: Session): NamedSecurityContext {
  return {
    user: session.user.id,
    org: session.org.id,
    rights: [...new Set(session.roles.flatMap((r) => r.rights))],
    userName: session.user.name,
    orgName: session.org.name,
    roles: session.roles.map((r) => r.name),
  };
}
