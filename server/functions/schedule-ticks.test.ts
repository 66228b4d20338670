import { describe, expect, it } from 'vitest';
import { dueTicks, MAX_COUNTED_TICKS } from './schedules';

/** Which ticks are due between two moments: what decides a run and the size of a missed-ticks report. */
describe('dueTicks', () => {
  const nineInBerlin = { type: 'schedule' as const, cron: '0 9 * * *', timezone: 'Europe/Berlin' };

  it('counts the ticks after since up to and including at, in the schedule\'s time zone', () => {
    const due = dueTicks(nineInBerlin, new Date('2026-12-06T00:00:00Z'), new Date('2026-12-08T08:00:00Z'));
    expect(due).toEqual({ first: new Date('2026-12-06T08:00:00Z'), last: new Date('2026-12-08T08:00:00Z'), count: 3 });
  });

  it('does not count the tick a schedule last ran again', () => {
    const due = dueTicks(nineInBerlin, new Date('2026-12-06T08:00:00Z'), new Date('2026-12-07T07:59:59Z'));
    expect(due).toEqual({ first: undefined, last: undefined, count: 0 });
  });

  it('follows daylight saving: nine in Berlin is 07:00 UTC in July', () => {
    const due = dueTicks(nineInBerlin, new Date('2027-07-01T00:00:00Z'), new Date('2027-07-01T23:00:00Z'));
    expect(due.last).toEqual(new Date('2027-07-01T07:00:00Z'));
  });

  it('counts a day of a once-a-minute schedule as 1440 ticks', () => {
    const due = dueTicks({ type: 'schedule', cron: '* * * * *', timezone: 'UTC' }, new Date('2026-12-06T00:00:00Z'), new Date('2026-12-07T00:00:00Z'));
    expect(due).toEqual({ first: new Date('2026-12-06T00:01:00Z'), last: new Date('2026-12-07T00:00:00Z'), count: 1440 });
  });

  it('stops counting a month of minutes at the cap, yet still finds the newest due tick', () => {
    const due = dueTicks({ type: 'schedule', cron: '* * * * *', timezone: 'UTC' }, new Date('2026-11-06T00:00:00Z'), new Date('2026-12-06T10:30:20Z'));
    expect(due.count).toBe(MAX_COUNTED_TICKS);
    expect(due.first).toEqual(new Date('2026-11-06T00:01:00Z'));
    expect(due.last).toEqual(new Date('2026-12-06T10:30:00Z'));
  });
});
