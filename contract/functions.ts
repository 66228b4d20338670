import { z } from 'zod';
import { PageQuerySchema } from './problem';
import { CONTAINER_MODES, RUNTIMES, SANDBOXES } from './runtimes';
import { MaxConcurrencySchema } from './concurrency';
import { DNS_LABEL, HTTP_METHODS, TriggerSchema, TriggersSchema } from './triggers';

export { CONTAINER_MODES, defaultSandbox, RUNTIME_SANDBOXES, RUNTIMES, runsIn, SANDBOXES, type ContainerMode, type FunctionRuntime, type Sandbox } from './runtimes';
export * from './activations';
export * from './schedules';
export * from './concurrency';
export * from './aliases';
export * from './triggers';

/**
 * The functions part of the public contract (DESIGN §4), shared by server/ (validation, OpenAPI)
 * and src/ (types only: `import type`).
 */

export const FunctionNameSchema = z
  .string({ required_error: 'name is required' })
  .min(1, 'name is required')
  .max(63, 'name is at most 63 characters')
  .regex(DNS_LABEL, 'name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const LimitsSchema = z
  .object({ memoryMb: z.number().int().min(8).max(1024).optional(), timeoutMs: z.number().int().min(10).max(300_000).optional() })
  .strict();

export const MAX_CODE_BYTES = 256 * 1024;

/** Outbound network of a container function: none unless egress is allowed (an isolate never has any). */
export const NetworkSchema = z.object({ egress: z.boolean({ required_error: 'egress is required', invalid_type_error: 'egress is true or false' }) }).strict();

/** Names of env entries and secrets: what a shell would accept as a variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_ENV_ENTRIES = 64;
export const MAX_ENV_VALUE_CHARS = 4096;

const envName = z.string().regex(ENV_NAME, 'names are letters, digits and "_", not starting with a digit, at most 64 characters');
const envValue = z.string().max(MAX_ENV_VALUE_CHARS, `values are at most ${MAX_ENV_VALUE_CHARS} characters`);

/** Plain configuration handed to the handler as context.env; returned by GET. */
export const EnvSchema = z
  .record(envName, envValue)
  .refine((e) => Object.keys(e).length <= MAX_ENV_ENTRIES, { message: `at most ${MAX_ENV_ENTRIES} entries` });

/** Write-only values handed to the handler as context.env; GET answers their names only (secretNames). */
export const SecretsSchema = EnvSchema;

/** PUT's secrets: a value sets or replaces one secret, null removes it, names not given are kept. */
export const SecretsPatchSchema = z
  .record(envName, envValue.nullable())
  .refine((e) => Object.keys(e).length <= MAX_ENV_ENTRIES, { message: `at most ${MAX_ENV_ENTRIES} entries` });

/** Async calls (`X-Invocation-Type: Event`, docs/functions.md): retries after a failed attempt, and how old a call may get. */
export const ASYNC_MAX_RETRIES = 2;
export const ASYNC_MIN_EVENT_AGE_S = 60;
export const ASYNC_MAX_EVENT_AGE_S = 21_600;

const destination = z.object({ function: FunctionNameSchema }).strict();

export const AsyncConfigSchema = z
  .object({
    /** Retries after a failed attempt (error, timeout, 5xx answer); default 2. */
    maxRetries: z.number().int('maxRetries is an integer').min(0, 'maxRetries is 0, 1 or 2').max(ASYNC_MAX_RETRIES, 'maxRetries is 0, 1 or 2').optional(),
    /** A call not run within this many seconds of its acceptance goes to the dead letters; default 21600 (6 h). */
    maxEventAgeSeconds: z
      .number()
      .int('maxEventAgeSeconds is an integer')
      .min(ASYNC_MIN_EVENT_AGE_S, `maxEventAgeSeconds is at least ${ASYNC_MIN_EVENT_AGE_S}`)
      .max(ASYNC_MAX_EVENT_AGE_S, `maxEventAgeSeconds is at most ${ASYNC_MAX_EVENT_AGE_S}`)
      .optional(),
    /** Another function of the same org, called (async) with the outcome of a call that succeeded / finally failed. */
    onSuccess: destination.optional(),
    onFailure: destination.optional(),
  })
  .strict();
export type AsyncConfig = z.output<typeof AsyncConfigSchema>;

export const CreateFunctionSchema = z
  .object({
    name: FunctionNameSchema,
    runtime: z.enum(RUNTIMES, { errorMap: () => ({ message: `runtime must be one of ${RUNTIMES.join(', ')}` }) }),
    code: z
      .string({ required_error: 'code is required' })
      .min(1, 'code is required')
      .max(MAX_CODE_BYTES, `code is at most ${MAX_CODE_BYTES} characters`),
    /** Default: isolate for nodejs20, container for python3 (which needs it). */
    sandbox: z.enum(SANDBOXES, { errorMap: () => ({ message: `sandbox must be one of ${SANDBOXES.join(', ')}` }) }).optional(),
    /** Containers only; default per-call. */
    mode: z.enum(CONTAINER_MODES, { errorMap: () => ({ message: `mode must be one of ${CONTAINER_MODES.join(', ')}` }) }).optional(),
    /** One trigger; or give `triggers` for several (an HTTP or event trigger plus schedules). One of the two is required. */
    trigger: TriggerSchema.optional(),
    triggers: TriggersSchema.optional(),
    limits: LimitsSchema.optional(),
    /** Containers only; default no egress. */
    network: NetworkSchema.optional(),
    env: EnvSchema.optional(),
    secrets: SecretsSchema.optional(),
    /** Async calls: retries, event age, destinations (not versioned: it applies to whichever version serves). */
    async: AsyncConfigSchema.optional(),
    maxConcurrency: MaxConcurrencySchema.optional(),
  })
  .strict();
export type CreateFunctionRequest = z.input<typeof CreateFunctionSchema>;

/**
 * PUT .../functions/{name}: any of the create fields but the name; what is left out is kept from the
 * function's latest version. Every PUT makes a new immutable version; limits are merged field by field,
 * env replaces the current env as a whole (send the full object), secrets are patched (null removes one).
 * Answers 202 with the function: version stays the serving one until latestVersion builds.
 */
export const UpdateFunctionSchema = z
  .object({
    runtime: CreateFunctionSchema.shape.runtime.optional(),
    sandbox: CreateFunctionSchema.shape.sandbox,
    mode: CreateFunctionSchema.shape.mode,
    code: CreateFunctionSchema.shape.code.optional(),
    /** trigger or triggers replaces the function's whole trigger list. */
    trigger: TriggerSchema.optional(),
    triggers: TriggersSchema.optional(),
    limits: LimitsSchema.optional(),
    network: NetworkSchema.optional(),
    env: EnvSchema.optional(),
    secrets: SecretsPatchSchema.optional(),
    /** Replaces the async settings as a whole. */
    async: AsyncConfigSchema.optional(),
    /** null removes the function's own cap (the org's quota still applies). */
    maxConcurrency: MaxConcurrencySchema.nullable().optional(),
  })
  .strict();
export type UpdateFunctionRequest = z.input<typeof UpdateFunctionSchema>;

/** POST .../functions/{name}/rollback: point the function back at an earlier version (rebuilt if needed). */
export const RollbackSchema = z
  .object({ version: z.number({ required_error: 'version is required' }).int('version is an integer').min(1, 'version is at least 1') })
  .strict();
export type RollbackRequest = z.input<typeof RollbackSchema>;

export const FUNCTION_STATUSES = ['initializing', 'ready', 'failed'] as const;
export type FunctionStatus = (typeof FUNCTION_STATUSES)[number];

const TriggerViewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('http'), route: z.string(), methods: z.array(z.enum(HTTP_METHODS)).optional() }),
  z.object({ type: z.literal('event'), events: z.array(z.string()) }),
  z.object({ type: z.literal('schedule'), cron: z.string(), timezone: z.string() }),
]);

export const FunctionSchema = z.object({
  name: z.string(),
  org: z.string(),
  runtime: z.enum(RUNTIMES),
  sandbox: z.enum(SANDBOXES).optional(),
  /** Present for container functions. */
  mode: z.enum(CONTAINER_MODES).optional(),
  code: z.string(),
  trigger: TriggerViewSchema,
  /** Every trigger, the one above first (schedules beside an HTTP or event trigger follow it). */
  triggers: z.array(TriggerViewSchema),
  limits: z.object({ memoryMb: z.number().int(), timeoutMs: z.number().int() }),
  /** Present for container functions: whether the function may open outbound connections. */
  network: z.object({ egress: z.boolean() }).optional(),
  status: z.enum(FUNCTION_STATUSES),
  /** Present when status is failed: the compile error with line and column. */
  error: z
    .object({ message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })
    .optional(),
  /** Full invoke path through vCD, e.g. /api/org/acme/hello; absent for an event-triggered function. */
  url: z.string().optional(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  /**
   * The version the function points at: it serves the calls. runtime, code, trigger, limits, env and
   * secretNames above are this version's.
   */
  version: z.number().int(),
  /**
   * The version made (create, PUT) or rolled back to last. status, error and buildLog are about its build. When it differs from version
   * (its build failed or is still running), the pointed-at version keeps serving.
   */
  latestVersion: z.number().int(),
  /** Build output of latestVersion ("" when there was none). */
  buildLog: z.string(),
  env: z.record(z.string()),
  /** Names of the secrets; their values are never returned. */
  secretNames: z.array(z.string()),
  /** Async calls' settings with the defaults filled in. */
  /** The function's own cap on calls at once (absent: only the org's quota). */
  maxConcurrency: z.number().int().optional(),
  async: z.object({
    maxRetries: z.number().int(),
    maxEventAgeSeconds: z.number().int(),
    onSuccess: z.object({ function: z.string() }).optional(),
    onFailure: z.object({ function: z.string() }).optional(),
  }),
});
export type FunctionView = z.infer<typeof FunctionSchema>;

/** One immutable version, as GET .../functions/{name}/versions lists them (newest first). */
export const FunctionVersionSchema = z.object({
  version: z.number().int(),
  runtime: z.enum(RUNTIMES),
  sandbox: z.enum(SANDBOXES).optional(),
  mode: z.enum(CONTAINER_MODES).optional(),
  code: z.string(),
  trigger: FunctionSchema.shape.trigger,
  triggers: FunctionSchema.shape.triggers,
  limits: FunctionSchema.shape.limits,
  network: FunctionSchema.shape.network,
  env: z.record(z.string()),
  secretNames: z.array(z.string()),
  /** Build status of this version. */
  status: z.enum(FUNCTION_STATUSES),
  error: FunctionSchema.shape.error,
  buildLog: z.string(),
  /** True for the version the function points at. */
  active: z.boolean(),
  createdAt: z.string().datetime(),
});
export type FunctionVersionView = z.infer<typeof FunctionVersionSchema>;

export const FunctionVersionListSchema = z.object({ items: z.array(FunctionVersionSchema), total: z.number().int() });
export type FunctionVersionList = z.infer<typeof FunctionVersionListSchema>;

/** Which sandboxes this installation can run right now, and why not (GET .../faas/runtimes). */
export const RuntimesInfoSchema = z.object({
  runtimes: z.array(z.object({ runtime: z.enum(RUNTIMES), sandboxes: z.array(z.enum(SANDBOXES)) })),
  sandboxes: z.array(z.object({ sandbox: z.enum(SANDBOXES), available: z.boolean(), reason: z.string().optional() })),
});
export type RuntimesInfo = z.infer<typeof RuntimesInfoSchema>;
