import {
  HOOK_PHASES,
  hookAnswerOf,
  type AutoscaleHookEvent,
  type Hook,
  type HookOutcome,
  type HookPhase,
  type Hooks,
} from '../../contract/autoscale-hooks';
import type { Decision, Rule } from '../../contract/autoscale';
import { Invalid, type FieldError } from '../errors';

/**
 * The port through which a rule's lifecycle hooks call the org's functions (issue 14 item 5). The functions feature
 * implements it; server/compose/ wires it, so autoscale never imports server/functions.
 */
export interface HookFunctions {
  /** True when the org has a function of that name (another org's functions are not there). */
  exists(org: string, name: string): Promise<boolean>;
  /** Calls the function with the event; rejects when the call failed (an `activationId` on the error when it ran). */
  call(org: string, name: string, event: AutoscaleHookEvent): Promise<{ statusCode: number; body: unknown; activationId: string }>;
}

/** What decided a hook: the function's answer, or its default when it did not answer in time, failed or said neither. */
export interface HookVerdict {
  outcome: HookOutcome;
  by: 'answer' | 'timeout' | 'failed' | 'no-answer';
  activationId: string | null;
  detail: string;
}

/** A hook answered abandon (or defaulted to it): the action stops; a scale out takes its VM back. */
export class HookAbandoned extends Error {
  override name = 'HookAbandoned';
}

/** Every hook must name a function of the rule's org: 400 naming `hooks.<phase>.function` otherwise. */
export async function checkHooks(functions: HookFunctions | undefined, org: string, hooks: Hooks | undefined): Promise<void> {
  const errors: FieldError[] = [];
  for (const phase of HOOK_PHASES) {
    const hook = hooks?.[phase];
    if (!hook) continue;
    const path = `hooks.${phase}.function`;
    if (!functions) errors.push({ path, message: 'lifecycle hooks are not available: this backend runs no functions' });
    else if (!(await functions.exists(org, hook.function))) errors.push({ path, message: `no function "${hook.function}" in this organization` });
  }
  if (errors.length > 0) throw new Invalid('invalid rule: a lifecycle hook names no function of this organization', errors);
}

/** The event a hook function gets. */
export function hookEvent(
  phase: HookPhase,
  at: { org: string; action: string; rule: Rule; vApp: { id: string; name: string }; vm: AutoscaleHookEvent['vm']; decision: Decision | null },
): AutoscaleHookEvent {
  const d = at.decision;
  return {
    type: 'autoscale.hook',
    phase,
    org: at.org,
    action: at.action,
    rule: { id: at.rule.id, name: at.rule.name },
    vApp: at.vApp,
    vm: at.vm,
    decision: d ? { action: d.action, desired: d.desired, current: d.current, reason: d.reason, detail: d.detail } : null,
  };
}

/** Calls the hook's function and waits at most its timeoutSeconds; never throws. */
export async function runHook(functions: HookFunctions, hook: Hook, event: AutoscaleHookEvent): Promise<HookVerdict> {
  const fallback = (by: HookVerdict['by'], activationId: string | null, detail: string): HookVerdict => ({ outcome: hook.onTimeout, by, activationId, detail });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HookVerdict>((resolve) => {
    timer = setTimeout(() => resolve(fallback('timeout', null, `no answer within ${hook.timeoutSeconds} s: ${hook.onTimeout} by default`)), hook.timeoutSeconds * 1000);
  });
  const call = functions.call(event.org, hook.function, event).then(
    ({ statusCode, body, activationId }): HookVerdict => {
      const answer = statusCode < 300 ? hookAnswerOf(body) : null;
      if (answer) return { outcome: answer, by: 'answer', activationId, detail: `the function answered ${answer}` };
      return fallback('no-answer', activationId, `the function answered neither continue nor abandon (status ${statusCode}): ${hook.onTimeout} by default`);
    },
    (err: Error & { activationId?: string }) => fallback('failed', err.activationId ?? null, `the call failed (${err.message}): ${hook.onTimeout} by default`),
  );
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
