import { z } from 'zod';

/**
 * vROps custom groups a rule may keep its VMs in (issue 14 item 2). The backend talks to the provider's vROps with
 * one account; a tenant sees and makes only its org's groups, named `[<org>] <name>` in vROps.
 *   GET|POST /api/org/{org}/autoscale/catalog/vrops-groups
 */
export const VropsGroupSchema = z.object({
  /** vROps's resource id of the custom group: what a rule's vropsGroupId names. */
  id: z.string(),
  /** The name within the org (without the `[<org>] ` vROps prefix). */
  name: z.string(),
  members: z.number().int(),
});
export type VropsGroup = z.infer<typeof VropsGroupSchema>;

export const VropsGroupListSchema = z.object({
  items: z.array(VropsGroupSchema),
  /** False when the provider configured no vROps (VROPS_URL): the wizard hides the picker. */
  configured: z.boolean(),
});
export type VropsGroupList = z.infer<typeof VropsGroupListSchema>;

export const VropsGroupCreateSchema = z
  .object({ name: z.string().trim().min(1, 'is required').max(80).regex(/^[\w .-]+$/, 'letters, digits, space, dot, dash, underscore') })
  .strict();
export type VropsGroupCreate = z.infer<typeof VropsGroupCreateSchema>;

/** The rule field: a custom group's id, or null/absent for none. */
export const VropsGroupIdSchema = z.string().trim().min(1).max(100).nullable();
