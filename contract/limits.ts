import { z } from 'zod';

/**
 * Per-org limits the provider sets (issue 18, item 3), shared by server/ (validation, OpenAPI) and src/ (types only).
 *
 * Routes:
 *   GET|PUT        /api/org/{org}/provider/limits/default          the default every org without an override gets (provider only)
 *   GET|PUT|DELETE /api/org/{org}/provider/limits/orgs/{tenant}    one org's override, field by field (provider only)
 *   GET            /api/org/{org}/limits                           the org's effective limits, read-only (its tenant and the provider)
 *
 * An override names only the fields it changes; every other field is the default's. The backend also keeps its own
 * configured ceilings (FUNCTION_MAX_MEMORY_MB, FUNCTION_MAX_TIMEOUT_MS): a limit above them allows no more than they do.
 */

const count = (max: number) => z.number().int().min(0, 'must be 0 or more').max(max, `must be at most ${max}`);

export const OrgLimitsSchema = z
  .object({
    /** Memory per call of one function, MB. */
    memoryMb: z.number().int().min(8, 'must be at least 8 MB').max(65_536, 'must be at most 65536 MB'),
    /** Timeout per call, ms. */
    timeoutMs: z.number().int().min(10, 'must be at least 10 ms').max(3_600_000, 'must be at most 3600000 ms'),
    /** Calls of the org's functions running at once (per replica). */
    concurrentCalls: count(100_000).min(1, 'must be at least 1'),
    /** Calls of the org's functions started per second, counted across replicas; 0 means no limit. */
    callsPerSecond: count(1_000_000),
    /** Calls of any one function of the org started per second, counted across replicas; 0 means no limit. */
    functionCallsPerSecond: count(1_000_000).default(0),
    /** Functions the org may have. */
    functions: count(100_000),
    /** Whether the org may run functions in a container (python3, or nodejs20 with sandbox "container"). */
    containerRuntime: z.boolean(),
    /** Whether the org's container functions may have outbound network (network.egress). */
    egress: z.boolean(),
    /** maxVms an autoscale rule of the org may set. */
    autoscaleMaxVms: count(100).min(1, 'must be at least 1'),
  })
  .strict();
export type OrgLimits = z.infer<typeof OrgLimitsSchema>;

/** An org's override: only the fields it changes (an empty object changes nothing). */
export const OrgLimitsOverrideSchema = OrgLimitsSchema.partial().strict();
export type OrgLimitsOverride = z.infer<typeof OrgLimitsOverrideSchema>;

export const LIMIT_FIELDS = Object.keys(OrgLimitsSchema.shape) as Array<keyof OrgLimits>;

export const DefaultLimitsViewSchema = z.object({
  limits: OrgLimitsSchema,
  /** When and by whom the provider last set it; null while the backend's configured defaults apply. */
  updatedAt: z.string().datetime().nullable(),
  updatedBy: z.string().nullable(),
});
export type DefaultLimitsView = z.infer<typeof DefaultLimitsViewSchema>;

export const OrgLimitsViewSchema = z.object({
  org: z.string(),
  /** The fields the provider set for this org; empty when the org has the default. */
  override: OrgLimitsOverrideSchema,
  /** What the backend enforces: the default with the override on top. */
  effective: OrgLimitsSchema,
  updatedAt: z.string().datetime().nullable(),
  updatedBy: z.string().nullable(),
});
export type OrgLimitsView = z.infer<typeof OrgLimitsViewSchema>;

export const OrgLimitsListSchema = z.object({ items: z.array(OrgLimitsViewSchema), total: z.number().int() });
export type OrgLimitsList = z.infer<typeof OrgLimitsListSchema>;
