import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db';
import { migrate } from '../store/migrate';
import { freshStore, openTestDb, STORES, type StoreHandle } from '../testing/harness';
import { ShowbackQueries } from './queries';
import { writeCosts, type CostRecord } from './store';

const DAY_MS = 86_400_000;
const day0 = Date.parse('2026-05-03T00:00:00Z');

function record(key: string, day: number, vapp: string, cost: number, service = 'compute'): CostRecord {
  const start = new Date(day0 + day * DAY_MS);
  return { org: 'acme', sourceId: 's1', naturalKey: key, periodStart: start, periodEnd: new Date(start.getTime() + DAY_MS), vappId: vapp ? `urn:vcloud:vapp:${vapp}` : '', vappName: vapp, resourceKind: 'vm', resourceId: key, resourceName: key, service, cost, currency: 'EUR' };
}

describe.each(STORES)('showback rollups on %s', (kind) => {
  let store: StoreHandle;
  let db: Db;
  const queries = () => new ShowbackQueries(db, () => new Date(day0 + 20 * DAY_MS));

  beforeAll(async () => {
    store = await freshStore(kind);
    db = await openTestDb(store);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await store?.drop();
  });

  /** What the raw records say, per vApp and per service, for the month. */
  async function raw() {
    const { rows } = await db.query<{ vapp_id: string; service: string; cost: string }>(
      "SELECT vapp_id, service, SUM(cost) AS cost FROM showback_costs WHERE org = 'acme' GROUP BY vapp_id, service",
    );
    const byVapp: Record<string, number> = {};
    const byService: Record<string, number> = {};
    for (const r of rows) {
      if (r.vapp_id) byVapp[r.vapp_id] = (byVapp[r.vapp_id] ?? 0) + Number(r.cost);
      byService[r.service] = (byService[r.service] ?? 0) + Number(r.cost);
    }
    return { byVapp, byService };
  }
  async function fromRollups() {
    const range = { top: 100, from: '2026-05-01', to: '2026-05-31' };
    const vapps = await queries().breakdown('acme', { by: 'vapp', ...range });
    const services = await queries().breakdown('acme', { by: 'service', ...range });
    return {
      byVapp: Object.fromEntries(vapps.items.filter((i) => i.cost !== 0).map((i) => [i.key, i.cost])),
      byService: Object.fromEntries(services.items.filter((i) => i.cost !== 0).map((i) => [i.key, i.cost])),
      names: Object.fromEntries(vapps.items.map((i) => [i.key, i.name])),
    };
  }

  it('keeps the per-vApp and per-service rollups equal to the records when costs change, move between vApps or are written twice', async () => {
    const first = [record('vm-1', 0, 'web', 100), record('vm-2', 0, 'web', 50), record('vm-3', 1, 'db', 70, 'storage'), record('vm-4', 1, '', 30)];
    expect(await writeCosts(db, first)).toBe(4);
    expect(await writeCosts(db, first)).toBe(0);
    // Re-collected: vm-1 costs more, vm-2 moved to the renamed vApp "db", vm-3 changed service.
    const second = [record('vm-1', 0, 'web', 130), record('vm-2', 0, 'db', 50), record('vm-3', 1, 'db', 70, 'compute'), record('vm-4', 1, '', 30)];
    expect(await writeCosts(db, second)).toBe(3);
    const want = await raw();
    expect(want.byVapp).toEqual({ 'urn:vcloud:vapp:web': 130, 'urn:vcloud:vapp:db': 120 });
    const got = await fromRollups();
    expect(got.byVapp).toEqual(want.byVapp);
    expect(got.byService).toEqual(want.byService);
    expect(got.names).toMatchObject({ 'urn:vcloud:vapp:web': 'web', 'urn:vcloud:vapp:db': 'db' });
  });

  it('answers the breakdown by vApp for ranges that cut months as the records in the range add up', async () => {
    // 40 days from May 3rd into June, three vApps; a record re-collected with a new cost moves the monthly rollup too.
    const days = Array.from({ length: 40 }, (_, d) => ['a', 'b', 'c'].map((v, i) => record(`span-${v}`, d, `span-${v}`, 10 * (i + 1) + d)));
    await writeCosts(db, days.flat());
    await writeCosts(db, [record('span-b', 30, 'span-b', 999)]);
    for (const [from, to] of [['2026-05-10', '2026-06-05'], ['2026-06-01', '2026-06-30'], ['2026-06-03', '2026-06-03'], ['2026-04-01', '2026-05-02']]) {
      const { rows } = await db.query<{ vapp_id: string; cost: string }>(
        "SELECT vapp_id, SUM(cost) AS cost FROM showback_costs WHERE org = 'acme' AND natural_key LIKE 'span-%' AND period_start >= $1 AND period_start < $2::date + 1 GROUP BY vapp_id",
        [`${from}T00:00:00Z`, to],
      );
      const got = await queries().breakdown('acme', { by: 'vapp', top: 100, from, to });
      const span = Object.fromEntries(got.items.filter((i) => i.key.startsWith('urn:vcloud:vapp:span-')).map((i) => [i.key, i.cost]));
      expect(span, `${from}..${to}`).toEqual(Object.fromEntries(rows.map((r) => [r.vapp_id, Number(r.cost)])));
    }
    expect((await queries().breakdown('acme', { by: 'vapp', top: 1, from: '2026-06-01', to: '2026-06-30' })).items[0]).toMatchObject({ key: 'urn:vcloud:vapp:span-b', name: 'span-b' });
  });
});
