import { z } from 'zod';

/**
 * The audit log (issue 18, item 4), shared by server/ (validation, OpenAPI) and src/ (types only).
 *
 * Routes:
 *   GET /api/org/{org}/audit            the org's own log (its tenant, and the provider acting on it)
 *   GET /api/org/{org}/provider/audit   every org's log, filter org (provider only)
 *
 * Every successful change is one entry: who (user, org, provider or tenant), what (kind, action, target), the
 * fields it set and, where the change is a whole value (limits), before and after. Secrets appear by name only;
 * no value of a secret, an env entry, a header or a token is ever recorded.
 */

export const AUDIT_KINDS = ['functions', 'versions', 'secrets', 'aliases', 'deadLetters', 'rules', 'vropsGroups', 'sources', 'imports', 'ratecard', 'limits', 'budgets'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string().datetime(),
  /** The org the change is about; "*" for the provider's defaults. */
  org: z.string(),
  actor: z.object({ user: z.string(), org: z.string(), role: z.enum(['provider', 'tenant']) }),
  kind: z.enum(AUDIT_KINDS),
  action: z.enum(['create', 'update', 'delete', 'rollback', 'run', 'redrive', 'promote']),
  /** What was changed, e.g. "function hello", "rule 3f2…", "default limits". */
  target: z.string(),
  /** Names of the fields the change set (values left out). */
  fields: z.array(z.string()),
  /** Secret names set and removed (never their values). */
  secrets: z.object({ set: z.array(z.string()), removed: z.array(z.string()) }).nullable(),
  before: z.record(z.unknown()).nullable(),
  after: z.record(z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const Text = z.string().trim().min(1).max(200);
export const AuditQuerySchema = z
  .object({
    user: Text.optional(),
    kind: z.enum(AUDIT_KINDS).optional(),
    since: z.string().datetime({ message: 'must be an ISO 8601 date-time' }).optional(),
    until: z.string().datetime({ message: 'must be an ISO 8601 date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export const ProviderAuditQuerySchema = AuditQuerySchema.extend({ org: Text.optional() }).strict();
export type AuditQuery = z.infer<typeof ProviderAuditQuerySchema>;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), total: z.number().int() });
export type AuditPage = z.infer<typeof AuditPageSchema>;
