import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { VM_DISK_MB } from '../../mock-vcd/infra/query';
import { startMockVcd, type RunningMockVcd } from '../../mock-vcd/main';
import type { Db } from '../store/db';
import { migrate } from '../store/migrate';
import { api, freshStore, jsonOf, openTestDb, startHarness, STORES, type Harness, type StoreHandle } from '../testing/harness';
import { createVcdInfra } from '../vcd/infra';
import { createServiceAccountUsage, createVcdUsageReader } from '../vcd/usage';
import { Collector } from './collector';
import { VcdUsageBillingSource } from './drivers/vcd-usage';
import { RateCardStore } from './ratecard';

const SB = '/api/org/acme/showback';
const RATES = { vcpuHour: 1.5, ramGbHour: 0.25, storageGbMonth: 72, functionInvocation: 0, functionGbSecond: 0, metered: {} };
const acmeVm = (i: number) => `urn:vcloud:vm:${DEMO_INFRA_IDS.acme.vms[i]}`;
const acmeVapp = `urn:vcloud:vapp:${DEMO_INFRA_IDS.acme.vapp}`;
const globexVm = `urn:vcloud:vm:${DEMO_INFRA_IDS.globex.vms[0]}`;
const hoursInMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate() * 24;
/** Cents of one hour of a demo VM (2 vCPU, 2 GB) powered on, and of one hour of a vApp's storage. */
const vmHour = (r = RATES) => Math.round(2 * r.vcpuHour * 100) + Math.round(2 * r.ramGbHour * 100);
const storageHour = (vms: number, at: Date) => Math.round(((vms * VM_DISK_MB) / 1024 / hoursInMonth(at)) * RATES.storageGbMonth * 100);

function setPower(mock: RunningMockVcd, org: 'acme' | 'globex', vm: number, on: boolean) {
  const vapp = mock.state.infra.inventory.vapps.find((v) => v.uuid === DEMO_INFRA_IDS[org].vapp)!;
  vapp.vms[vm].power = on ? 'POWERED_ON' : 'POWERED_OFF';
}

describe.each(STORES)('vCD usage collector on %s', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { showbackVcdUser: 'administrator@System', showbackVcdPassword: 'provider-demo', showbackRetryBaseMs: 60_000 } });
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
    const provider = api(() => h.backend.url, await h.login('provider'));
    expect((await provider.put('/api/org/System/showback/ratecard', { currency: 'EUR', rates: RATES })).status).toBe(200);
  });
  afterAll(() => h?.close());

  it('prices the org’s VMs and vApp from vCD, by VM and by vApp, and a VM powered off stops costing compute', async () => {
    // The backend's clock is the real one: keep both looks in one UTC hour (a look stands for its hour).
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 20_000) await new Promise((r) => setTimeout(r, toNextHour + 50));
    const created = await acme.post(`${SB}/sources`, { kind: 'vcd', name: 'vcd usage' });
    expect(created.status).toBe(201);
    const source = await jsonOf(created);
    const run = await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}));
    expect(run).toMatchObject({ status: 'succeeded', rowsRead: 5, error: null });

    const now = new Date();
    const byVm = await jsonOf(await acme.get(`${SB}/breakdown?by=vm`));
    expect(byVm.items.map((i: { key: string }) => i.key).sort()).toEqual([acmeVm(0), acmeVm(1)].sort());
    expect(byVm.items.map((i: { cost: number }) => i.cost)).toEqual([vmHour(), vmHour()]);
    expect(byVm.items.map((i: { name: string }) => i.name).sort()).toEqual(['web-01', 'web-02']);
    const byVapp = await jsonOf(await acme.get(`${SB}/breakdown?by=vapp`));
    expect(byVapp.items).toEqual([expect.objectContaining({ key: acmeVapp, name: 'web', cost: 2 * vmHour() + storageHour(2, now) })]);

    // web-02 is powered off before the hour's next look: that look is the hour's, so the hour costs web-01 only.
    setPower(h.mock, 'acme', 1, false);
    try {
      const again = await jsonOf(await acme.post(`${SB}/sources/${source.id}/run`, {}));
      expect(again.status).toBe('succeeded');
      const after = await jsonOf(await acme.get(`${SB}/breakdown?by=vm`));
      expect(after.items).toEqual([expect.objectContaining({ key: acmeVm(0), cost: vmHour() }), expect.objectContaining({ key: acmeVm(1), cost: 0 })]);
      const services = await jsonOf(await acme.get(`${SB}/breakdown?by=service`));
      expect(Object.fromEntries(services.items.map((i: { key: string; cost: number }) => [i.key, i.cost]))).toEqual({ compute: vmHour(), storage: storageHour(2, now) });
    } finally {
      setPower(h.mock, 'acme', 1, true);
    }
  });

  it('never puts another org’s VMs in an org’s costs', async () => {
    const source = await jsonOf(await globex.post('/api/org/globex/showback/sources', { kind: 'vcd', name: 'vcd usage' }));
    expect((await jsonOf(await globex.post(`/api/org/globex/showback/sources/${source.id}/run`, {}))).status).toBe('succeeded');
    const globexVms = await jsonOf(await globex.get('/api/org/globex/showback/breakdown?by=vm'));
    expect(globexVms.items.map((i: { key: string }) => i.key)).toEqual([globexVm]);
    const acmeVms = await jsonOf(await acme.get(`${SB}/breakdown?by=vm`));
    expect(acmeVms.items.map((i: { key: string }) => i.key)).not.toContain(globexVm);
  });
});

describe('vCD usage collector over hours (PostgreSQL)', () => {
  let store: StoreHandle;
  let db: Db;
  let mock: RunningMockVcd;
  let clock = new Date('2026-03-10T10:05:00Z');
  let collector: Collector;
  let rateCard: RateCardStore;
  let sourceId: string;

  beforeAll(async () => {
    store = await freshStore('postgres');
    db = await openTestDb(store);
    await migrate(db);
    mock = await startMockVcd({ portalDir: '/nonexistent-portal' });
    rateCard = new RateCardStore(db);
    await rateCard.put({ currency: 'EUR', rates: RATES });
    collector = collectorAs('administrator@System', 'provider-demo');
    sourceId = (await collector.create('acme', { kind: 'vcd', name: 'vcd', enabled: false })).id;
  });
  afterAll(async () => {
    await db?.close();
    await mock?.close();
    await store?.drop();
  });

  /** A collector whose vCD usage driver logs in as user (on the shared clock). */
  function collectorAs(user: string, password: string): Collector {
    const inventory = createServiceAccountUsage({
      reader: createVcdUsageReader({ vcdUrl: mock.url }),
      login: () => createVcdInfra({ vcdUrl: mock.url }).login(user, password),
    });
    const vcd = new VcdUsageBillingSource({ db, inventory, rateCard, now: () => clock });
    return new Collector({ db, drivers: { vcd }, log: pino({ level: 'silent' }), maxRetries: 0, now: () => clock });
  }
  const costs = async () =>
    (
      await db.query<{ natural_key: string; quantity: number; cost: string; day: string }>(
        "SELECT natural_key, quantity, cost, to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM showback_costs WHERE org = 'acme' ORDER BY natural_key, period_start",
      )
    ).rows.map((r) => ({ key: r.natural_key, day: r.day, quantity: Number(r.quantity), cost: Number(r.cost) }));
  const runDay = (day: string) => collector.runNow('acme', sourceId, { from: day, to: day });

  it('counts each VM’s powered-on hours of a day, re-prices them with a new rate, and stores nothing twice', async () => {
    expect((await runDay('2026-03-10')).status).toBe('succeeded');
    clock = new Date('2026-03-10T11:02:00Z');
    setPower(mock, 'acme', 1, false);
    expect((await runDay('2026-03-10')).status).toBe('succeeded');
    clock = new Date('2026-03-10T12:00:00Z');
    setPower(mock, 'acme', 1, true);
    expect((await runDay('2026-03-10')).status).toBe('succeeded');
    // Same hour again: the look replaces the hour's, nothing changes.
    clock = new Date('2026-03-10T12:40:00Z');
    expect(await runDay('2026-03-10')).toMatchObject({ status: 'succeeded', rowsWritten: 0 });

    const rows = await costs();
    const q = (key: string) => rows.find((r) => r.key === key);
    expect(rows.every((r) => r.day === '2026-03-10')).toBe(true);
    expect(q(`${acmeVm(0)}:vcpu`)).toMatchObject({ quantity: 6, cost: Math.round(6 * RATES.vcpuHour * 100) });
    expect(q(`${acmeVm(1)}:vcpu`)).toMatchObject({ quantity: 4, cost: Math.round(4 * RATES.vcpuHour * 100) });
    expect(q(`${acmeVm(1)}:ram`)).toMatchObject({ quantity: 4, cost: Math.round(4 * RATES.ramGbHour * 100) });
    expect(q(`${acmeVapp}:storage`)?.quantity).toBeCloseTo((3 * 2 * VM_DISK_MB) / 1024 / hoursInMonth(clock), 6);
    expect(rows.map((r) => r.key).filter((k) => k.startsWith(globexVm))).toEqual([]);
    expect(rows).toHaveLength(5);

    // The provider doubles acme's vCPU price; a backfill the next day re-prices the stored hours (no new look).
    await rateCard.put({ currency: 'EUR', rates: RATES, overrides: { acme: { vcpuHour: 3 } } });
    clock = new Date('2026-03-11T09:00:00Z');
    const backfill = await runDay('2026-03-10');
    expect(backfill).toMatchObject({ status: 'succeeded', trigger: 'backfill', rowsWritten: 2 });
    const repriced = await costs();
    expect(repriced.find((r) => r.key === `${acmeVm(0)}:vcpu`)).toMatchObject({ quantity: 6, cost: 6 * 300 });
    expect(repriced).toHaveLength(5);
    const { rows: daily } = await db.query<{ cost: string }>("SELECT SUM(cost) AS cost FROM showback_daily WHERE org = 'acme' AND day = '2026-03-10'");
    expect(Number(daily[0].cost)).toBe(repriced.reduce((a, r) => a + r.cost, 0));
  });

  it('fails the run with vCD’s reason when the service account cannot log in', async () => {
    const broken = collectorAs('administrator@System', 'wrong');
    const id = (await broken.create('acme', { kind: 'vcd', name: 'vcd broken', enabled: false })).id;
    const run = await broken.runNow('acme', id, {});
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/refused the service account login \(401\)/);
    expect((await broken.get('acme', id)).staleSince).not.toBeNull();
  });

  it('with an org’s own account collects that org only, and refuses another org naming it', async () => {
    const tenant = collectorAs('admin@acme', 'acme-demo');
    const acmeSource = (await tenant.create('acme', { kind: 'vcd', name: 'vcd via acme', enabled: false })).id;
    expect(await tenant.runNow('acme', acmeSource, {})).toMatchObject({ status: 'succeeded', rowsRead: 5 });
    const globexSource = (await tenant.create('globex', { kind: 'vcd', name: 'vcd via acme', enabled: false })).id;
    const refused = await tenant.runNow('globex', globexSource, {});
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/cannot see the organization "globex"/);
    const { rows } = await db.query<{ n: string }>("SELECT COUNT(*) AS n FROM showback_costs WHERE org = 'globex'");
    expect(Number(rows[0].n)).toBe(0);
  });
});
