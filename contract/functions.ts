import { z } from 'zod';

/**
 * The functions part of the public contract (DESIGN §4), shared by server/ (validation, OpenAPI)
 * and src/ (types only: `import type`).
 */

/** Words a function route or name may not take: the product's own features and vCD's own /api/org children. */
export const RESERVED_ROUTES = [
  'faas', 'showback', 'autoscale',
  'admin', 'action', 'catalog', 'catalogs', 'vdc', 'vdcs', 'vdcsRollup', 'network', 'networks',
  'metadata', 'tasksList', 'task', 'hybrid', 'groups', 'users', 'roles', 'rights', 'extension',
  'query', 'session', 'sessions', 'login', 'logout', 'versions', 'cloudapi', 'api', 'org',
].map((w) => w.toLowerCase());

/** A DNS label (RFC 1123): what a function name and a route segment must be. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const FunctionNameSchema = z
  .string({ required_error: 'name is required' })
  .min(1, 'name is required')
  .max(63, 'name is at most 63 characters')
  .regex(DNS_LABEL, 'name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const RouteSchema = z
  .string({ required_error: 'route is required' })
  .min(1, 'route is required')
  .max(200, 'route is at most 200 characters')
  .transform((r) => r.replace(/^\/+|\/+$/g, ''))
  .pipe(
    z
      .string()
      .min(1, 'route is required')
      .refine((r) => r.split('/').every((s) => DNS_LABEL.test(s)), {
        message: 'route must be "/"-separated DNS labels (lower-case letters, digits and "-")',
      })
      .refine((r) => !RESERVED_ROUTES.includes(r.split('/')[0]), {
        message: 'route starts with a reserved word (faas, showback, autoscale or a vCD path)',
      }),
  );

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const HttpTriggerSchema = z
  .object({
    type: z.literal('http'),
    route: RouteSchema,
    methods: z.array(z.enum(HTTP_METHODS)).min(1).optional(),
  })
  .strict();

export const TriggerSchema = z.discriminatedUnion('type', [HttpTriggerSchema]);

export const RUNTIMES = ['nodejs20'] as const;

export const LimitsSchema = z
  .object({
    memoryMb: z.number().int().min(8).max(1024).optional(),
    timeoutMs: z.number().int().min(10).max(300_000).optional(),
  })
  .strict();

export const MAX_CODE_BYTES = 256 * 1024;

export const CreateFunctionSchema = z
  .object({
    name: FunctionNameSchema,
    runtime: z.enum(RUNTIMES, { errorMap: () => ({ message: `runtime must be one of ${RUNTIMES.join(', ')}` }) }),
    code: z
      .string({ required_error: 'code is required' })
      .min(1, 'code is required')
      .max(MAX_CODE_BYTES, `code is at most ${MAX_CODE_BYTES} characters`),
    trigger: TriggerSchema,
    limits: LimitsSchema.optional(),
  })
  .strict();
export type CreateFunctionRequest = z.input<typeof CreateFunctionSchema>;

export const FUNCTION_STATUSES = ['initializing', 'ready', 'failed'] as const;
export type FunctionStatus = (typeof FUNCTION_STATUSES)[number];

export const FunctionSchema = z.object({
  name: z.string(),
  org: z.string(),
  runtime: z.enum(RUNTIMES),
  code: z.string(),
  trigger: z.object({ type: z.literal('http'), route: z.string(), methods: z.array(z.enum(HTTP_METHODS)).optional() }),
  limits: z.object({ memoryMb: z.number().int(), timeoutMs: z.number().int() }),
  status: z.enum(FUNCTION_STATUSES),
  /** Present when status is failed: the compile error with line and column. */
  error: z
    .object({ message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })
    .optional(),
  /** Full invoke path through vCD, e.g. /api/org/acme/hello. */
  url: z.string(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type FunctionView = z.infer<typeof FunctionSchema>;

/** What a handler returns; the invoke route answers with it. */
export const HandlerResultSchema = z
  .object({
    statusCode: z.number().int().min(100).max(599).default(200),
    headers: z.record(z.string()).default({}),
    body: z.unknown().optional(),
  })
  .passthrough();
