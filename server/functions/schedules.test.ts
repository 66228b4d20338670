import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTicks } from '../../contract/functions';
import { startServer } from '../main';
import { openTestDb } from '../testing/harness';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';
import { AsyncJobStore } from './async-store';
import { FunctionSchedules } from './schedules';
import { until as poll } from '../testing/until';

/**
 * Issue 13, item 2: schedule triggers run a function once per tick, with the tick in its event, across replicas;
 * ticks missed while no backend ran are reported, not run in a burst. The backend's clock is the test's: no test
 * waits for a minute to pass. On PGlite and PostgreSQL.
 */

const LOG_EVENT = 'module.exports = async (event) => { console.log(JSON.stringify(event)); return { statusCode: 200, body: { ok: true } }; };';
const EVERY_5 = { type: 'schedule', cron: '*/5 * * * *', timezone: 'Europe/Berlin' };

type Client = ReturnType<typeof api>;
type Activation = { id: string; trigger: string; tick?: string; status: string; logs: string[] };
type Tick = { tick: string; kind: 'run' | 'missed'; activationId?: string; missed?: number; missedFrom?: string };

/** The shared poller (server/testing/until.ts) with this file's patience. */
const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => poll(what, probe, { timeoutMs: 20_000 });

describe.each(STORES)('schedule triggers on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  const secret = randomUUID();
  /** The backend's clock: moved by the tests, never waited for. */
  let now = new Date();
  const clock = () => now;
  const backend = { extensionSharedSecret: secret, asyncPollMs: 30, schedulePollMs: 30, scheduleGraceMs: 60_000, orgRateLimitPerMinute: 0 };

  const activations = async (name: string): Promise<Activation[]> => (await jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/activations`))).items;
  const ticks = async (name: string): Promise<Tick[]> => (await jsonOf(await acme.get(`/api/org/acme/faas/functions/${name}/ticks`))).items;
  const scheduled = (name: string, count: number) =>
    until(`${count} scheduled runs of ${name}`, async () => {
      const runs = (await activations(name)).filter((a) => a.trigger === 'schedule');
      return runs.length >= count ? runs : undefined;
    });
  async function create(fn: Record<string, unknown>): Promise<void> {
    // A function made now starts counting ticks now: the clock comes back to the wall clock's time first.
    now = new Date();
    const res = await acme.post('/api/org/acme/faas/functions', fn);
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await acme.waitBuilt('acme', fn.name as string)).status).toBe('ready');
  }
  /** Moves the clock one second past the schedule's next tick after the clock's time (or the wall clock's, if later). */
  function toNextTick(schedule: { cron: string; timezone: string } = EVERY_5): Date {
    const [tick] = nextTicks(schedule, new Date(Math.max(now.getTime(), Date.now())), 1);
    now = new Date(tick.getTime() + 1000);
    return tick;
  }

  beforeAll(async () => {
    h = await startHarness(kind, { mock: { sharedSecret: secret }, backend, clock });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 180_000);
  afterAll(() => h?.close());

  it('rejects a schedule that does not parse, an unknown time zone, or more often than once a minute, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'schedule', cron: '61 * * * *' }, 'trigger.cron'],
      [{ type: 'schedule', cron: 'every minute' }, 'trigger.cron'],
      [{ type: 'schedule', cron: '*/10 * * * * *' }, 'trigger.cron'],
      [{ type: 'schedule', cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'trigger.timezone'],
    ];
    for (const [trigger, path] of cases) {
      const res = await acme.post('/api/org/acme/faas/functions', newFunction('bad-schedule', { trigger }));
      expect(res.status, JSON.stringify(trigger)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await problemOf(res)).errors?.map((e) => e.path)).toContain(path);
    }
    const both = await acme.post('/api/org/acme/faas/functions', {
      ...newFunction('bad-schedule'),
      trigger: undefined,
      triggers: [{ type: 'http', route: 'x' }, { type: 'event', events: ['com/vmware/vcloud/event/vm/create'] }],
    });
    expect(both.status).toBe(400);
    expect((await problemOf(both)).errors?.map((e) => e.path)).toContain('triggers');
    const bothFields = await acme.post('/api/org/acme/faas/functions', { ...newFunction('bad-schedule'), triggers: [EVERY_5] });
    expect(bothFields.status).toBe(400);
    expect((await problemOf(bothFields)).errors?.map((e) => e.path)).toContain('triggers');
    const second = await acme.post('/api/org/acme/faas/functions', { ...newFunction('bad-schedule'), trigger: undefined, triggers: [EVERY_5, { type: 'schedule', cron: 'x' }] });
    expect((await problemOf(second)).errors?.map((e) => e.path)).toContain('triggers.1.cron');
  });

  it('runs a scheduled function once per tick, as trigger schedule, with the tick in its event and its activation', async () => {
    await create({ name: 'ticker', runtime: 'nodejs20', code: LOG_EVENT, trigger: EVERY_5 });
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/ticker'));
    expect(view.trigger).toEqual(EVERY_5);
    expect(view.triggers).toEqual([EVERY_5]);
    expect(view.url).toBeUndefined();

    const first = toNextTick();
    const [run] = await scheduled('ticker', 1);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'success', tick: first.toISOString() });
    expect(JSON.parse(run.logs[0].replace(/^info /, ''))).toEqual({ type: 'schedule', cron: '*/5 * * * *', timezone: 'Europe/Berlin', tick: first.toISOString() });

    const second = toNextTick();
    const runs = await scheduled('ticker', 2);
    expect(runs.map((r) => r.tick).sort()).toEqual([first.toISOString(), second.toISOString()]);
    expect((await ticks('ticker')).map((t) => t.kind)).toEqual(['run', 'run']);
  });

  it('serves a route and a schedule side by side (triggers), and keeps both across a PUT of the code', async () => {
    const triggers = [{ type: 'http', route: 'both' }, { type: 'schedule', cron: '0 * * * *', timezone: 'UTC' }];
    await create({ name: 'both', runtime: 'nodejs20', code: LOG_EVENT, triggers });
    const view = await jsonOf(await acme.get('/api/org/acme/faas/functions/both'));
    expect(view.trigger).toEqual(triggers[0]);
    expect(view.triggers).toEqual(triggers);
    expect((await acme.get('/api/org/acme/both')).status).toBe(200);
    const put = await acme.put('/api/org/acme/faas/functions/both', { code: LOG_EVENT.replace('ok: true', 'ok: 2') });
    expect(put.status).toBe(202);
    expect((await acme.waitBuilt('acme', 'both')).status).toBe('ready');
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/both'))).triggers).toEqual(triggers);
    const tick = toNextTick(triggers[1] as { cron: string; timezone: string });
    const [run] = await scheduled('both', 1);
    expect(run.tick).toBe(tick.toISOString());
  });

  it('reports the ticks missed while the backend was down as one entry and runs only the latest, not a burst', async () => {
    await create({ name: 'sleeper', runtime: 'nodejs20', code: LOG_EVENT, trigger: EVERY_5 });
    const first = toNextTick();
    await scheduled('sleeper', 1);
    await h.backend.close();
    // An hour later: twelve ticks passed; the twelfth is a second old when the backend is back.
    const latest = new Date(first.getTime() + 60 * 60_000);
    now = new Date(latest.getTime() + 1000);
    await h.restart();
    const runs = await scheduled('sleeper', 2);
    expect(runs.map((r) => r.tick).sort()).toEqual([first.toISOString(), latest.toISOString()]);
    const history = await until('the missed ticks report', async () => {
      const t = await ticks('sleeper');
      return t.some((x) => x.kind === 'missed') ? t : undefined;
    });
    expect(history.find((t) => t.kind === 'missed')).toMatchObject({
      missed: 11,
      missedFrom: new Date(first.getTime() + 5 * 60_000).toISOString(),
      tick: new Date(latest.getTime() - 5 * 60_000).toISOString(),
    });
    expect(history.filter((t) => t.kind === 'run')).toHaveLength(2);
    expect((await activations('sleeper')).filter((a) => a.trigger === 'schedule')).toHaveLength(2);
  });

  it("answers 404 for another org's function ticks, and globex never sees acme's schedule runs", async () => {
    const globex = api(() => h.backend.url, await h.login('globex'));
    expect((await globex.get('/api/org/globex/faas/functions/ticker/ticks')).status).toBe(404);
    expect((await globex.get('/api/org/acme/faas/functions/ticker/ticks')).status).toBe(403);
  });

  if (kind === 'postgres') it('runs each tick once when two replicas look for due ticks at the same moment', async () => {
    await create({ name: 'shared', runtime: 'nodejs20', code: LOG_EVENT, trigger: EVERY_5 });
    const second = await startServer({ ...h.store.overrides, port: 0, vcdUrl: h.mock.url, logLevel: 'silent', ...backend }, { clock });
    const [dbA, dbB] = [await openTestDb(h.store), await openTestDb(h.store)];
    try {
      const tick = toNextTick();
      const log = pino({ level: 'silent' });
      const look = (db: typeof dbA) =>
        new FunctionSchedules({ db, jobs: new AsyncJobStore(db), log, clock, options: { pollMs: 1000, graceMs: 60_000 } }).runDue(now);
      // Both backends poll too: four lookers at one tick, one run.
      const rounds = await Promise.all([look(dbA), look(dbB)]);
      expect(rounds.reduce((n, r) => n + r.queued, 0)).toBeLessThanOrEqual(1);
      const [run] = await scheduled('shared', 1);
      expect(run.tick).toBe(tick.toISOString());
      const { rows } = await dbA.query<{ n: number }>(`SELECT count(*)::int AS n FROM function_async_jobs WHERE name = 'shared'`);
      expect(rows[0].n).toBe(1);
      toNextTick();
      expect(await scheduled('shared', 2)).toHaveLength(2);
      const again = await dbA.query<{ n: number }>(`SELECT count(*)::int AS n FROM function_async_jobs WHERE name = 'shared'`);
      expect(again.rows[0].n).toBe(2);
    } finally {
      await second.close();
      await dbA.close();
      await dbB.close();
    }
  });
});
