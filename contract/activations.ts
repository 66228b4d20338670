/** Activations (one call of a function each) and the async queue's answers: shared by server/ and src/. */
import { z } from 'zod';
import { PageQuerySchema } from './problem';

export const ACTIVATION_STATUSES = ['success', 'error', 'timeout', 'memory', 'rejected'] as const;
export type ActivationStatus = (typeof ACTIVATION_STATUSES)[number];

/** Logs of one activation are capped at this many bytes (UTF-8); a capped record says logsTruncated. */
export const MAX_ACTIVATION_LOG_BYTES = 64 * 1024;

/** One call of a function (DESIGN §4). */
export const ActivationSchema = z.object({
  id: z.string(),
  function: z.string(),
  version: z.number().int(),
  /** http: a synchronous call; event: a vCD notification; async: a queued call (X-Invocation-Type: Event); schedule: a cron
   *  tick; hook: an autoscale rule's lifecycle hook. */
  trigger: z.enum(['http', 'event', 'async', 'schedule', 'hook']),
  /** Scheduled runs: the tick this run was for (ISO 8601). */
  tick: z.string().datetime().optional(),
  /** The alias the call came through (live for a function's route, events, schedules and queued calls); version says which version served. */
  alias: z.string().optional(),
  /** Queued calls: which attempt this was (1 = the first). */
  attempt: z.number().int().optional(),
  /** When the call started (ISO 8601). */
  start: z.string().datetime(),
  durationMs: z.number(),
  /** success: the handler answered; error: it threw or answered badly; timeout; memory: over its memory limit;
   *  rejected: not run (org concurrency quota, function not ready, body or response too large). */
  status: z.enum(ACTIVATION_STATUSES),
  /** True when this call started a new instance of the version. */
  cold: z.boolean(),
  memoryMb: z.number().int(),
  /** HTTP status the caller got. */
  statusCode: z.number().int(),
  /** console output, at most MAX_ACTIVATION_LOG_BYTES; the last line says so when cut. */
  logs: z.array(z.string()),
  logsTruncated: z.boolean(),
  /** Headers of the function's answer the platform dropped (not a function's to set; docs/functions.md). */
  droppedHeaders: z.array(z.string()),
});
export type ActivationView = z.infer<typeof ActivationSchema>;
export type ActivationTrigger = ActivationView['trigger'];

export const ActivationListSchema = z.object({ items: z.array(ActivationSchema), total: z.number().int() });
export type ActivationList = z.infer<typeof ActivationListSchema>;

/** GET .../functions/{name}/activations?status&since&until&limit&offset (newest first). */
export const ActivationQuerySchema = PageQuerySchema.extend({
  status: z
    .enum(ACTIVATION_STATUSES, { errorMap: () => ({ message: `status must be one of ${ACTIVATION_STATUSES.join(', ')}` }) })
    .optional(),
  since: z.string().datetime({ offset: true, message: 'since must be an ISO 8601 date-time' }).optional(),
  until: z.string().datetime({ offset: true, message: 'until must be an ISO 8601 date-time' }).optional(),
});
export type ActivationQuery = z.input<typeof ActivationQuerySchema>;
/** The activation list's filter as checked (limit and offset filled in): what the store and the plugin's service take. */
export type ActivationFilter = z.output<typeof ActivationQuerySchema>;

/** The answer to a queued call: 202 with the id its first attempt's activation will have (also X-Activation-Id). */
export const AsyncAcceptedSchema = z.object({ activationId: z.string(), status: z.literal('queued') });
export type AsyncAccepted = z.infer<typeof AsyncAcceptedSchema>;

/** A queued call that failed all its attempts (or grew too old): GET .../functions/{name}/dead-letters. */
export const DeadLetterSchema = z.object({
  /** The call's id: its first attempt's activation id. */
  id: z.string(),
  function: z.string(),
  /** async: an X-Invocation-Type: Event call; event: a vCD notification; schedule: a cron tick. */
  trigger: z.enum(['async', 'event', 'schedule']),
  /** The event the handler got (for an HTTP call: method, path, query, headers without credentials, body). */
  event: z.unknown(),
  /** Why the last attempt failed. */
  error: z.object({ message: z.string(), status: z.string().optional(), statusCode: z.number().int().optional() }),
  attempts: z.number().int(),
  acceptedAt: z.string().datetime(),
  lastAttemptAt: z.string().datetime().optional(),
  deadAt: z.string().datetime(),
});
export type DeadLetterView = z.infer<typeof DeadLetterSchema>;
export const DeadLetterListSchema = z.object({ items: z.array(DeadLetterSchema), total: z.number().int() });
export type DeadLetterList = z.infer<typeof DeadLetterListSchema>;

/** Live logs (issue 13, item 5): how long a long-poll of the feed may wait for a new activation. */
export const MAX_FEED_WAIT_MS = 20_000;

/**
 * GET .../functions/{name}/activations/feed?after&status&version&trigger&waitMs — the activations recorded after a
 * cursor, oldest first, waiting up to waitMs for one (a long-poll: works through every transport, vCD's bus too).
 * Without `after`: from now on. The stream (…/activations/stream, text/event-stream) takes the same filters.
 */
export const ActivationFeedQuerySchema = z.object({
  after: z.string().regex(/^\d{1,18}$/, 'after must be a cursor this API answered').optional(),
  status: ActivationQuerySchema.shape.status,
  version: z.coerce.number({ invalid_type_error: 'version must be a version number' }).int('version must be a version number').min(1, 'version must be a version number').optional(),
  trigger: z
    .enum(['http', 'event', 'async', 'schedule'], { errorMap: () => ({ message: 'trigger must be one of http, event, async, schedule' }) })
    .optional(),
  waitMs: z.coerce
    .number({ invalid_type_error: `waitMs must be a number of milliseconds from 0 to ${MAX_FEED_WAIT_MS}` })
    .int(`waitMs must be a number of milliseconds from 0 to ${MAX_FEED_WAIT_MS}`)
    .min(0, `waitMs must be a number of milliseconds from 0 to ${MAX_FEED_WAIT_MS}`)
    .max(MAX_FEED_WAIT_MS, `waitMs must be a number of milliseconds from 0 to ${MAX_FEED_WAIT_MS}`)
    .default(0),
});
export type ActivationFeedQuery = z.input<typeof ActivationFeedQuerySchema>;
export type ActivationFeedFilter = Pick<z.output<typeof ActivationFeedQuerySchema>, 'status' | 'version' | 'trigger'>;

/** New activations (oldest first) and the cursor to ask with next (`after`); empty when none came within waitMs. */
export const ActivationFeedSchema = z.object({ items: z.array(ActivationSchema), cursor: z.string() });
export type ActivationFeed = z.infer<typeof ActivationFeedSchema>;
