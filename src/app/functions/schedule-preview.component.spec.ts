import { schedulePreview } from './schedule-preview.component';

describe('schedulePreview', () => {
  const from = new Date('2026-12-06T10:00:00Z');

  it('lists the next three runs in the schedule\'s time zone, not the browser\'s', () => {
    const preview = schedulePreview('0 9 * * 1-5', 'America/New_York', from, 'en-US');
    expect(preview).toEqual({
      ticks: ['Monday, December 7, 2026 at 9:00 AM', 'Tuesday, December 8, 2026 at 9:00 AM', 'Wednesday, December 9, 2026 at 9:00 AM'],
    });
  });

  it('says why there is nothing to preview: no pattern, a pattern that does not parse or runs every second, an unknown zone', () => {
    expect(schedulePreview('', 'UTC', from)).toEqual({ ticks: [], problem: 'serverless.functions.schedule.previewEmpty' });
    expect(schedulePreview('61 * * * *', 'UTC', from)).toEqual({ ticks: [], problem: 'serverless.functions.schedule.previewInvalid' });
    expect(schedulePreview('* * * * * *', 'UTC', from)).toEqual({ ticks: [], problem: 'serverless.functions.schedule.previewInvalid' });
    expect(schedulePreview('0 * * * *', 'Mars/Olympus', from)).toEqual({ ticks: [], problem: 'serverless.functions.schedule.previewBadZone' });
  });
});
