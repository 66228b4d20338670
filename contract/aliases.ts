import { z } from 'zod';

/**
 * Aliases and canary releases (issue 13, item 3; docs/functions.md): an alias sends its calls to one version, or to
 * two with weights. `live` is the alias a function's route, events, schedules and queued calls call; its first
 * version is the function's current version. Shared by server/ (validation, OpenAPI) and src/ (types).
 */

/** The alias every function has: its triggers call it. */
export const LIVE_ALIAS = 'live';

/** Aliases a function may have besides live. */
export const MAX_ALIASES = 10;

export const AliasNameSchema = z
  .string({ required_error: 'name is required', invalid_type_error: 'name is a string such as "beta"' })
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, 'name is 1 to 32 lower-case letters, digits and "-", starting with a letter and not ending with "-"');

const TrafficEntrySchema = z
  .object({
    version: z.number({ required_error: 'version is required', invalid_type_error: 'version is a version number' }).int('version is a whole number').min(1, 'version is 1 or more'),
    weight: z.number({ required_error: 'weight is required', invalid_type_error: 'weight is a percentage' }).int('weight is a whole percentage').min(0, 'weight is 0 to 100').max(100, 'weight is 0 to 100'),
  })
  .strict();

/** One version with weight 100, or a stable version and a canary whose weights add up to 100. */
export const TrafficSchema = z
  .array(TrafficEntrySchema, { invalid_type_error: 'traffic is a list of {version, weight}' })
  .min(1, 'traffic names one or two versions')
  .max(2, 'traffic names one or two versions (a stable version and a canary)')
  .superRefine((entries, ctx) => {
    const sum = entries.reduce((s, e) => s + (typeof e.weight === 'number' ? e.weight : 0), 0);
    if (sum !== 100) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `weights must add up to 100, not ${sum}` });
    if (entries.length === 2 && entries[0].version === entries[1].version) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [1, 'version'], message: 'the canary is another version than the stable one' });
    }
  });
export type Traffic = z.infer<typeof TrafficSchema>;

/** Rolls the canary back by itself when its error rate over the window exceeds the threshold (at least minCalls calls). */
export const AutoRollbackSchema = z
  .object({
    errorRatePercent: z.number({ required_error: 'errorRatePercent is required', invalid_type_error: 'errorRatePercent is a number' }).min(1, 'errorRatePercent is 1 to 99').max(99, 'errorRatePercent is 1 to 99'),
    windowSeconds: z
      .number({ invalid_type_error: 'windowSeconds is a number' })
      .int('windowSeconds is a whole number')
      .min(10, 'windowSeconds is 10 to 3600')
      .max(3600, 'windowSeconds is 10 to 3600')
      .default(60),
    minCalls: z.number({ invalid_type_error: 'minCalls is a number' }).int('minCalls is a whole number').min(1, 'minCalls is 1 to 10000').max(10_000, 'minCalls is 1 to 10000').default(10),
  })
  .strict();
export type AutoRollback = z.output<typeof AutoRollbackSchema>;

export const CreateAliasSchema = z
  .object({ name: AliasNameSchema, traffic: TrafficSchema, autoRollback: AutoRollbackSchema.optional() })
  .strict();
export type CreateAliasRequest = z.input<typeof CreateAliasSchema>;

/** PUT: traffic replaces the versions and weights; autoRollback null turns it off; fields left out are kept. */
export const UpdateAliasSchema = z.object({ traffic: TrafficSchema.optional(), autoRollback: AutoRollbackSchema.nullable().optional() }).strict();
export type UpdateAliasRequest = z.input<typeof UpdateAliasSchema>;

export const AliasSchema = z.object({
  name: z.string(),
  function: z.string(),
  /** The stable version first, then the canary (weight 0 once rolled back). */
  traffic: z.array(z.object({ version: z.number().int(), weight: z.number().int() })),
  /** live: the first version is the function's current version (PUT and rollback move it). */
  tracksCurrentVersion: z.boolean(),
  autoRollback: z.object({ errorRatePercent: z.number(), windowSeconds: z.number().int(), minCalls: z.number().int() }).optional(),
  updatedAt: z.string().datetime().optional(),
});
export type AliasView = z.infer<typeof AliasSchema>;
export const AliasListSchema = z.object({ items: z.array(AliasSchema) });
export type AliasList = z.infer<typeof AliasListSchema>;

export const HISTORY_KINDS = ['created', 'changed', 'deleted', 'promoted', 'rolled-back', 'auto-rolled-back'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** The figures an automatic rollback acted on. */
export const RollbackNumbersSchema = z.object({
  version: z.number().int(),
  calls: z.number().int(),
  errors: z.number().int(),
  errorRatePercent: z.number(),
  thresholdPercent: z.number(),
  windowSeconds: z.number().int(),
  minCalls: z.number().int(),
});
export type RollbackNumbers = z.infer<typeof RollbackNumbersSchema>;

/** One change of a function's aliases: GET .../functions/{name}/history, newest first. */
export const HistoryEntrySchema = z.object({
  id: z.string(),
  alias: z.string(),
  kind: z.enum(HISTORY_KINDS),
  before: z.array(z.object({ version: z.number().int(), weight: z.number().int() })).optional(),
  after: z.array(z.object({ version: z.number().int(), weight: z.number().int() })).optional(),
  numbers: RollbackNumbersSchema.optional(),
  at: z.string().datetime(),
});
export type HistoryEntryView = z.infer<typeof HistoryEntrySchema>;
export const HistoryListSchema = z.object({ items: z.array(HistoryEntrySchema), total: z.number().int() });
export type HistoryList = z.infer<typeof HistoryListSchema>;
