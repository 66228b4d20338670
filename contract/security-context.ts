import { z } from 'zod';

/**
 * vCD's security context of an API-extension request (VCD-WIRE §3), one definition for both sides: the mock vCD
 * builds it (mock-vcd/extensions/security-context.ts), the backend parses it from the signed
 * `X-VCloud-Security-Context` header (server/http/auth.ts) and from the AMQP message (server/transport/amqp).
 *
 * `user`, `org` and `rights` are vCD's fields; the names are extras a context may carry so the backend needs no
 * lookup (the mock always sends them). Unknown fields pass through: vCD may add some.
 */
export const SecurityContextSchema = z
  .object({
    user: z.string().min(1),
    org: z.string().min(1),
    rights: z.array(z.string()).default([]),
    userName: z.string().min(1).optional(),
    orgName: z.string().min(1).optional(),
    roles: z.array(z.string()).optional(),
  })
  .passthrough();

export type SecurityContext = z.infer<typeof SecurityContextSchema>;

/** A context with the names, as the mock vCD sends it on both forwarding paths. */
export type NamedSecurityContext = Required<Pick<SecurityContext, 'user' | 'org' | 'rights' | 'userName' | 'orgName' | 'roles'>>;
