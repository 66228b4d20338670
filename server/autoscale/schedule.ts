import { Cron } from 'croner';
import type { ActiveSchedule, ScheduleWindow } from '../../contract/autoscale-schedule';
import type { FieldError } from '../errors';

/** How far ahead overlapping windows are looked for: a year, or this many openings of a window (croner is ~0.5 ms a tick). */
const OVERLAP_HORIZON_MS = 366 * 86_400_000;
const OVERLAP_MAX_OPENINGS = 400;
/** Openings looked at to find the one a window is open since. */
const OPEN_LOOKBACK_RUNS = 100;

interface Limits {
  minVms: number;
  maxVms: number;
  schedules?: ScheduleWindow[];
}

const cronOf = (w: ScheduleWindow) => new Cron(w.cron, { timezone: w.timezone, paused: true });

/** A window's openings as [start, end) in ms from `from` on, within the horizon. */
function openings(w: ScheduleWindow, from: number): [number, number][] {
  const durationMs = w.durationMinutes * 60_000;
  const runs = cronOf(w).nextRuns(OVERLAP_MAX_OPENINGS, new Date(from - durationMs));
  return runs.map((d) => d.getTime()).filter((t) => t < from + OVERLAP_HORIZON_MS).map((t) => [t, t + durationMs]);
}

/** Whether two sorted lists of intervals intersect anywhere (two pointers). */
function intersects(a: [number, number][], b: [number, number][]): boolean {
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i][0] < b[j][1] && b[j][0] < a[i][1]) return true;
    if (a[i][1] <= b[j][1]) i++;
    else j++;
  }
  return false;
}

/** The problems of one window on its own: cron, time zone, and limits that fit the rule's. */
function windowIssues(w: ScheduleWindow, i: number, rule: Limits): FieldError[] {
  const at = `schedules.${i}`;
  try {
    new Intl.DateTimeFormat('en', { timeZone: w.timezone });
  } catch {
    return [{ path: `${at}.timezone`, message: `"${w.timezone}" is not an IANA time zone` }];
  }
  try {
    if (cronOf(w).nextRun() === null) return [{ path: `${at}.cron`, message: 'never fires' }];
  } catch (err) {
    return [{ path: `${at}.cron`, message: `does not parse: ${(err as Error).message.replace(/^CronPattern: /, '')}` }];
  }
  const out: FieldError[] = [];
  if (w.minVms !== undefined && w.maxVms !== undefined && w.minVms > w.maxVms) out.push({ path: `${at}.minVms`, message: 'must not exceed the window\'s maxVms' });
  if (w.minVms !== undefined && w.minVms > rule.maxVms) out.push({ path: `${at}.minVms`, message: `must not exceed the rule's maxVms (${rule.maxVms})` });
  if (w.maxVms !== undefined && w.maxVms < rule.minVms) out.push({ path: `${at}.maxVms`, message: `must not be below the rule's minVms (${rule.minVms})` });
  return out;
}

/**
 * Each window on its own, then every pair for overlap over the coming year: two open windows would leave the limits
 * to an order nobody chose. Each problem names its field (`schedules.1.cron`).
 */
export function scheduleIssues(rule: Limits, now: number): FieldError[] {
  const windows = rule.schedules ?? [];
  const own = windows.flatMap((w, i) => windowIssues(w, i, rule));
  if (own.length > 0) return own;
  const spans = windows.map((w) => openings(w, now));
  const out: FieldError[] = [];
  for (let j = 1; j < windows.length; j++) {
    const other = spans.findIndex((s, i) => i < j && intersects(s, spans[j]));
    if (other >= 0) out.push({ path: `schedules.${j}`, message: `overlaps schedules.${other}: windows must not be open at the same time` });
  }
  return out;
}

/** A window opened at `opened` and the limits it sets, always within the rule's own. */
function openWindow(rule: Limits, w: ScheduleWindow, index: number, opened: number): ActiveSchedule {
  const minVms = Math.min(rule.maxVms, Math.max(rule.minVms, w.minVms ?? rule.minVms));
  const maxVms = Math.max(minVms, Math.min(rule.maxVms, w.maxVms ?? rule.maxVms));
  const closesAt = new Date(opened + w.durationMinutes * 60_000).toISOString();
  return { window: index, name: w.name ?? null, openedAt: new Date(opened).toISOString(), closesAt, minVms, maxVms };
}

/** Openings looked at per window over a replayed span (a window opening every minute for 30 days is 43 200). */
const SPAN_MAX_OPENINGS = 50_000;

/**
 * Every opening of the rule's windows that overlaps [from, to], oldest first, for a replay over history (the backtest):
 * computed once instead of asking croner at each evaluation. Windows never overlap each other (scheduleIssues).
 */
export function scheduleSpans(rule: Limits, from: number, to: number): { start: number; end: number; schedule: ActiveSchedule }[] {
  const out: { start: number; end: number; schedule: ActiveSchedule }[] = [];
  for (const [index, w] of (rule.schedules ?? []).entries()) {
    const cron = cronOf(w);
    const durationMs = w.durationMinutes * 60_000;
    let cursor = new Date(from - durationMs);
    // Chunks that grow: a daily window over a week needs 8 openings, croner's lookahead is not free.
    for (let seen = 0, chunk = 8; seen < SPAN_MAX_OPENINGS; chunk = Math.min(chunk * 2, 512)) {
      const runs = cron.nextRuns(chunk, cursor);
      for (const run of runs) {
        const start = run.getTime();
        if (start > to) break;
        out.push({ start, end: start + durationMs, schedule: openWindow(rule, w, index, start) });
      }
      seen += runs.length;
      if (runs.length < chunk || runs[runs.length - 1].getTime() > to) break;
      cursor = runs[runs.length - 1];
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The window open at `at` among spans sorted by start: the latest opening at or before `at`, if it has not closed
 * (windows never overlap each other, and one window's openings all last as long). Binary search; null when none.
 */
export function scheduleAt(spans: { start: number; end: number; schedule: ActiveSchedule }[], at: number): ActiveSchedule | null {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start <= at) lo = mid + 1;
    else hi = mid;
  }
  const latest = spans[lo - 1];
  return latest && latest.end > at ? latest.schedule : null;
}

/** The window open at `now` (the latest opening within its duration) and the limits it sets; null when none is open. */
export function activeSchedule(rule: Limits, now: number): ActiveSchedule | null {
  const windows = rule.schedules ?? [];
  for (const [index, w] of windows.entries()) {
    const durationMs = w.durationMinutes * 60_000;
    // The latest opening within the duration (a window that opens more often than it lasts is open throughout).
    const opened = cronOf(w)
      .nextRuns(OPEN_LOOKBACK_RUNS, new Date(now - durationMs))
      .map((d) => d.getTime())
      .filter((t) => t <= now)
      .at(-1);
    if (opened === undefined) continue;
    return openWindow(rule, w, index, opened);
  }
  return null;
}

/** The rule as the decision engine sees it now: the open window's limits replace the rule's (thresholds act within). */
export function withSchedule<R extends Limits>(rule: R, now: number): { rule: R; schedule: ActiveSchedule | null } {
  const schedule = activeSchedule(rule, now);
  return { rule: schedule ? { ...rule, minVms: schedule.minVms, maxVms: schedule.maxVms } : rule, schedule };
}

/** Reasons that come from the limits: their detail says when a window set them. */
const LIMIT_REASONS = new Set(['below-min', 'above-max', 'at-min', 'at-max']);

/** A decision whose limits a window set says so in its detail. */
export function explainSchedule<D extends { reason: string; detail: string }>(decision: D, schedule: ActiveSchedule | null): D {
  if (!schedule || !LIMIT_REASONS.has(decision.reason)) return decision;
  const label = schedule.name ? `"${schedule.name}"` : `#${schedule.window + 1}`;
  return { ...decision, detail: `${decision.detail} (schedule window ${label}: ${schedule.minVms}–${schedule.maxVms} VMs until ${schedule.closesAt})` };
}
