import { z } from 'zod';
import { ScheduleTriggerSchema } from './schedules';
import { EVENT_TYPES } from './vcd-events';

export { EVENT_TYPES, PRODUCT_EVENT_TYPES, VCD_EVENT_TYPES } from './vcd-events';

/** A function's triggers: its HTTP route (never a product or vCD path), vCD notifications and schedules. */

/**
 * The product's own first segments under /api/org/{org}/: the backend mounts its features there, and the deploy CLI
 * registers one vCD API filter for them (bin/lib/deploy.ts), so a feature added here is reachable through vCD.
 */
export const PRODUCT_ROUTES = ['faas', 'showback', 'autoscale', 'provider', 'limits', 'audit'] as const;

/** Words a function route or name may not take: the product's own features and vCD's own /api/org children. */
export const RESERVED_ROUTES = [
  ...PRODUCT_ROUTES,
  'admin', 'action', 'catalog', 'catalogs', 'vdc', 'vdcs', 'vdcsRollup', 'network', 'networks',
  'metadata', 'tasksList', 'task', 'hybrid', 'groups', 'users', 'roles', 'rights', 'extension',
  'query', 'session', 'sessions', 'login', 'logout', 'versions', 'cloudapi', 'api', 'org',
].map((w) => w.toLowerCase());

/** A DNS label (RFC 1123): what a function name and a route segment must be. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

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
        message: 'route starts with a reserved word (faas, showback, autoscale, provider, limits, audit or a vCD path)',
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

/** Notifications an event function subscribes to, at most this many types. */
export const MAX_EVENT_TYPES = 32;

export const EventTriggerSchema = z
  .object({
    type: z.literal('event'),
    events: z
      .array(
        z.string().refine((t) => EVENT_TYPES.includes(t), {
          message: 'not a vCD notification type (e.g. com/vmware/vcloud/event/vm/create) nor a product event (showback/budget.threshold)',
        }),
        { required_error: 'events is required', invalid_type_error: 'events is a list of vCD notification types or product events' },
      )
      .min(1, 'subscribe to at least one vCD notification type or product event')
      .max(MAX_EVENT_TYPES, `at most ${MAX_EVENT_TYPES} notification types`)
      .transform((events) => [...new Set(events)].sort()),
  })
  .strict();

export const TriggerSchema = z.discriminatedUnion('type', [HttpTriggerSchema, EventTriggerSchema, ScheduleTriggerSchema], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union_discriminator' ? { message: 'trigger type must be "http", "event" or "schedule"' } : { message: ctx.defaultError },
});
export type Trigger = z.output<typeof TriggerSchema>;
/** Several triggers at once (docs/functions.md): at most one http or event trigger, plus schedules. */
export const TriggersSchema = z.array(TriggerSchema, { invalid_type_error: 'triggers is a list of triggers' }).min(1, 'give at least one trigger').max(5, 'at most 5 triggers');
