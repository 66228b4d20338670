import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { ruleFor } from '../testing/autoscale';

const ACME = DEMO_INFRA_IDS.acme;
const RULES = '/api/org/acme/autoscale/rules';
/** Open at every minute for an hour: open whenever the test runs. */
const ALWAYS = { cron: '* * * * *', durationMinutes: 60 };
/** Opens on 29 February only: closed whenever the test runs (outside a leap day). */
const LEAP_DAY = { cron: '0 0 29 2 *', durationMinutes: 1 };

describe.each(STORES)('autoscale schedule windows on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    for (const r of (await jsonOf(await acme.get(RULES))).items as { id: string }[]) await acme.delete(`${RULES}/${r.id}`);
  });

  it('keeps windows on the rule and shows the open one and the floor it raises in the dry run', async () => {
    const schedules = [{ name: 'office hours', ...ALWAYS, timezone: 'Europe/Berlin', minVms: 4 }];
    const created = await acme.post(RULES, ruleFor(ACME, { name: 'scheduled', maxVms: 6, enabled: false, schedules }));
    expect(created.status).toBe(201);
    const rule = await jsonOf(created);
    expect(rule.schedules).toEqual(schedules);

    const dry = await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}));
    expect(dry.schedule).toMatchObject({ window: 0, name: 'office hours', minVms: 4, maxVms: 6 });
    // The demo vApp runs fewer than 4 VMs: the window's floor, not a threshold, asks for more.
    expect(dry.decision).toMatchObject({ action: 'scaleOut', desired: 4, reason: 'below-min' });
    expect(dry.decision.detail).toContain('schedule window "office hours"');
  });

  it('lowers the ceiling while open, and leaves the rule alone while closed', async () => {
    const rule = await jsonOf(await acme.post(RULES, ruleFor(ACME, { name: 'ceiling', minVms: 1, maxVms: 5, enabled: false, schedules: [{ ...LEAP_DAY, minVms: 3 }] })));
    expect((await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}))).schedule).toBeNull();

    const edited = await acme.put(`${RULES}/${rule.id}`, { schedules: [{ ...ALWAYS, maxVms: 1 }] });
    expect(edited.status).toBe(200);
    const dry = await jsonOf(await acme.post(`${RULES}/${rule.id}/dry-run`, {}));
    expect(dry.schedule).toMatchObject({ window: 0, name: null, minVms: 1, maxVms: 1 });
    expect(dry.decision.desired).toBeLessThanOrEqual(1);
    const history = await jsonOf(await acme.get(`${RULES}/${rule.id}/history`));
    expect(history.items[0].changes.map((c: { field: string }) => c.field)).toContain('schedules.0');
  });

  it.each([
    ['a cron that does not parse', [{ cron: 'every morning', durationMinutes: 60, minVms: 2 }], 'schedules.0.cron'],
    ['a time zone that does not exist', [{ ...ALWAYS, timezone: 'Mars/Olympus', minVms: 2 }], 'schedules.0.timezone'],
    ['a window that sets no limit', [{ ...ALWAYS }], 'schedules.0.minVms'],
    ['a window floor above the rule maximum', [{ ...ALWAYS, minVms: 9 }], 'schedules.0.minVms'],
    ['a zero duration', [{ ...ALWAYS, durationMinutes: 0, minVms: 2 }], 'schedules.0.durationMinutes'],
    [
      'overlapping windows (weekdays 08:00–18:00 and daily at noon)',
      [
        { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', durationMinutes: 600, minVms: 3 },
        { cron: '0 12 * * *', timezone: 'Europe/Berlin', durationMinutes: 60, maxVms: 2 },
      ],
      'schedules.1',
    ],
  ])('rejects %s with 400 naming the field', async (_what, schedules, field) => {
    const res = await acme.post(RULES, ruleFor(ACME, { name: 'bad', maxVms: 5, schedules }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toContain(field);
  });

  it('accepts windows that follow each other and rejects an edit that makes them overlap', async () => {
    const day = { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', durationMinutes: 600, minVms: 3 };
    const night = { cron: '0 18 * * 1-5', timezone: 'Europe/Berlin', durationMinutes: 60, maxVms: 2 };
    const created = await acme.post(RULES, ruleFor(ACME, { name: 'day-night', enabled: false, schedules: [day, night] }));
    expect(created.status).toBe(201);
    const rule = await jsonOf(created);
    const res = await acme.put(`${RULES}/${rule.id}`, { schedules: [day, { ...night, cron: '0 17 * * 1-5' }] });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.path)).toEqual(['schedules.1']);
  });
});
