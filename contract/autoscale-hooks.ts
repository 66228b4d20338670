import { z } from 'zod';

/**
 * Lifecycle hooks of an autoscale rule (issue 14 item 5): one of the org's functions is called after a new VM is
 * powered on and before it joins the pool (`afterPowerOn`), and before a VM leaves the pool on scale in
 * (`beforeDrain`). Its answer `continue` or `abandon` decides; no answer within `timeoutSeconds` (or a failing call)
 * takes `onTimeout`. Shared by server/ (validation, OpenAPI) and src/ (types only).
 */

export const HOOK_PHASES = ['afterPowerOn', 'beforeDrain'] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];
export const HOOK_OUTCOMES = ['continue', 'abandon'] as const;
export type HookOutcome = (typeof HOOK_OUTCOMES)[number];

export const HookSchema = z
  .object({
    /** The name of a function of the rule's org. */
    function: z.string().trim().min(1, 'is required').max(63),
    timeoutSeconds: z.number().int().min(1, 'must be 1–900').max(900, 'must be 1–900').default(30),
    /** What happens when the function does not answer in time, fails, or answers neither continue nor abandon. */
    onTimeout: z.enum(HOOK_OUTCOMES).default('abandon'),
  })
  .strict();
export type Hook = z.infer<typeof HookSchema>;

export const HooksSchema = z
  .object({ afterPowerOn: HookSchema.optional(), beforeDrain: HookSchema.optional() })
  .strict();
export type Hooks = z.infer<typeof HooksSchema>;

/** What the hook function gets as `event` (its activation's trigger is `hook`). */
export interface AutoscaleHookEvent {
  type: 'autoscale.hook';
  phase: HookPhase;
  org: string;
  /** The scale action's id (its steps journal the hook). */
  action: string;
  rule: { id: string; name: string };
  vApp: { id: string; name: string };
  vm: { id: string; name: string; ipAddress: string | null };
  /** The decision that started the action; null when an interrupted action is resumed. */
  decision: { action: string; desired: number; current: number; reason: string; detail: string } | null;
}

/**
 * How the function answers: `"continue"` / `"abandon"` as its body, or `{ "action": "continue" }`; anything else is
 * no answer (onTimeout decides).
 */
export function hookAnswerOf(body: unknown): HookOutcome | null {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).action : body;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (HOOK_OUTCOMES as readonly string[]).includes(text) ? (text as HookOutcome) : null;
}
