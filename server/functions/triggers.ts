import { MAX_SCHEDULES, type ScheduleTrigger, type Trigger } from '../../contract/functions';
import { Invalid } from '../errors';
import { triggerOf } from './views';

/**
 * A function's triggers as given (`trigger`, or `triggers` for several) → what is stored: its first trigger (the HTTP
 * or event one when there is one, which also gives the route) and the schedules beside it. HTTP and event triggers
 * do not mix (a call and a notification are different events for one handler); schedules go with either.
 */
export function triggersOf(input: { trigger?: Trigger; triggers?: Trigger[] }): { trigger: Trigger; moreTriggers: Trigger[]; route: string | null } {
  if (input.trigger && input.triggers) {
    throw new Invalid('invalid function: give trigger or triggers, not both', [{ path: 'triggers', message: 'give trigger or triggers, not both' }]);
  }
  const all = input.triggers ?? (input.trigger ? [input.trigger] : []);
  if (!all.length) throw new Invalid('invalid function: trigger is required', [{ path: 'trigger', message: 'trigger is required' }]);
  const main = all.filter((t) => t.type !== 'schedule');
  if (main.length > 1) {
    throw new Invalid('invalid function: at most one http or event trigger; schedules may go beside it', [
      { path: 'triggers', message: 'at most one http or event trigger' },
    ]);
  }
  const schedules = dedupe(all.filter((t): t is ScheduleTrigger => t.type === 'schedule'));
  if (schedules.length > MAX_SCHEDULES) {
    throw new Invalid(`invalid function: at most ${MAX_SCHEDULES} schedules`, [{ path: 'triggers', message: `at most ${MAX_SCHEDULES} schedules` }]);
  }
  const [first, ...rest] = [...main, ...schedules];
  const { trigger, route } = triggerOf(first);
  return { trigger, moreTriggers: rest, route };
}

/** The schedules among a function's triggers. */
export function schedulesOf(fn: { trigger: Trigger; moreTriggers: Trigger[] }): ScheduleTrigger[] {
  return [fn.trigger, ...fn.moreTriggers].filter((t): t is ScheduleTrigger => t.type === 'schedule');
}

/** A schedule's identity in the tick history: a changed pattern or zone starts afresh. */
export const scheduleKey = (s: ScheduleTrigger): string => `${s.cron}|${s.timezone}`;

function dedupe(schedules: ScheduleTrigger[]): ScheduleTrigger[] {
  const seen = new Map(schedules.map((s) => [scheduleKey(s), { type: 'schedule' as const, cron: s.cron, timezone: s.timezone }]));
  return [...seen.values()];
}
