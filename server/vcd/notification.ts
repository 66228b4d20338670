import { z } from 'zod';

/**
 * A vCD notification (VCD-WIRE §4): the JSON body vCD publishes on `<prefix>.notifications20`, and what the mock
 * POSTs to its webhook targets. Consumers (the HTTP webhook, the AMQP notification consumer) validate with this
 * schema and hand the result to FunctionsService.handleVcdNotification. Unknown fields are kept (vCD adds some).
 */
export const vcdNotificationSchema = z
  .object({
    eventId: z.string().min(1, 'eventId is required').max(200),
    type: z.string().regex(/^com\/vmware\/vcloud\/event\/[\w/.-]+$/, 'type must be com/vmware/vcloud/event/<object>/<event>'),
    timestamp: z.string().min(1, 'timestamp is required'),
    operationSuccess: z.boolean(),
    user: z.string().optional(),
    org: z.string().regex(/^urn:vcloud:org:[\w-]+$/i, 'org must be a vCD org URN (urn:vcloud:org:<uuid>)'),
    entity: z.string().optional(),
    task: z.string().optional(),
    taskOwner: z.string().optional(),
  })
  .passthrough();

export type VcdNotification = z.infer<typeof vcdNotificationSchema>;
