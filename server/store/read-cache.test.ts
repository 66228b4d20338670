import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { ruleFor } from '../testing/autoscale';
import { startServer, type RunningServer } from '../main';
import { api, jsonOf, startHarness, STORES, type Harness } from '../testing/harness';
import { OrgReadCache, type ReadMarks } from './read-cache';

const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const charge = (cost: number, id: string) => ({
  rows: [{ BilledCost: cost, BillingCurrency: 'EUR', ChargePeriodStart: `${today}T00:00:00Z`, ChargePeriodEnd: `${tomorrow}T00:00:00Z`, ServiceName: 'compute', ResourceId: id, ConsumedQuantity: 1, ConsumedUnit: 'h' }],
});

describe('OrgReadCache', () => {
  it('answers a kept read without the store, and concurrent reads of a key share one query', async () => {
    const cache = new OrgReadCache(true);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.read('acme', 'k', load), cache.read('acme', 'k', load)])).toEqual([1, 1]);
    expect(await cache.read('acme', 'k', load)).toBe(1);
    expect(await cache.read('globex', 'k', load)).toBe(2);
  });

  it('reads the store again after a write of the org, and keeps nothing read while the write runs', async () => {
    const cache = new OrgReadCache(true);
    let value = 'old';
    const load = async () => value;
    expect(await cache.read('acme', 'k', load)).toBe('old');
    let release!: () => void;
    const writing = cache.write('acme', () => new Promise<void>((r) => (release = r)).then(() => void (value = 'new')));
    expect(await cache.read('acme', 'k', load)).toBe('old'); // not kept: the write has not committed yet
    release();
    await writing;
    expect(await cache.read('acme', 'k', load)).toBe('new');
  });

  it('keeps no failed read and nothing when off', async () => {
    const cache = new OrgReadCache(true);
    await expect(cache.read('acme', 'k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.read('acme', 'k', async () => 'up')).toBe('up');
    const off = new OrgReadCache(false);
    let loads = 0;
    await off.read('acme', 'k', async () => ++loads);
    expect(await off.read('acme', 'k', async () => ++loads)).toBe(2);
  });
});

describe('OrgReadCache with marks (other replicas write too)', () => {
  function marks(): ReadMarks & { marks: Map<string, string>; fail: boolean } {
    const m = new Map<string, string>();
    let n = 0;
    return {
      marks: m,
      fail: false,
      current: async (org) => m.get(org) ?? '',
      async renew(org) {
        if (this.fail) throw new Error('store down');
        m.set(org, `mark-${++n}`);
      },
    };
  }

  it('serves a kept answer while the org\'s mark is unchanged and reads again once another replica renewed it', async () => {
    const shared = marks();
    const cache = new OrgReadCache(true, { marks: shared });
    let value = 'old';
    const load = async () => value;
    expect(await cache.read('acme', 'k', load)).toBe('old');
    value = 'new'; // another replica writes...
    expect(await cache.read('acme', 'k', load)).toBe('old');
    await shared.renew('acme'); // ...and renews the mark after its commit
    expect(await cache.read('acme', 'k', load)).toBe('new');
  });

  it('renews the mark after its own write, and a write whose mark cannot be renewed fails', async () => {
    const shared = marks();
    const cache = new OrgReadCache(true, { marks: shared });
    await cache.write('acme', async () => undefined);
    expect(shared.marks.get('acme')).toBe('mark-1');
    shared.fail = true;
    await expect(cache.write('acme', async () => 'written')).rejects.toThrow('store down');
    await expect(cache.write('acme', () => Promise.reject(new Error('constraint')))).rejects.toThrow('constraint');
  });
});

describe('reads kept per org on postgres, two replicas', () => {
  let h: Harness;
  let b: RunningServer;
  let onA: ReturnType<typeof api>;
  let onB: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness('postgres');
    b = await startServer({ port: 0, vcdUrl: h.mock.url, logLevel: 'silent', ...h.store.overrides });
    const token = await h.login('acme');
    onA = api(() => h.backend.url, token);
    onB = api(() => b.url, token);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await h?.close();
  });

  it('lists on one replica a rule created, changed and deleted on the other, at once', async () => {
    const RULES = '/api/org/acme/autoscale/rules';
    const names = async () => ((await jsonOf(await onB.get(RULES))).items as { name: string; maxVms: number }[]).map((r) => `${r.name}:${r.maxVms}`);
    expect(await names()).toEqual([]);
    expect(await names()).toEqual([]); // kept on B
    const rule = await jsonOf(await onA.post(RULES, ruleFor(DEMO_INFRA_IDS.acme, { name: 'elsewhere' })));
    expect(await names()).toEqual(['elsewhere:5']);
    expect((await onA.put(`${RULES}/${rule.id}`, { maxVms: 3 })).status).toBe(200);
    expect(await names()).toEqual(['elsewhere:3']);
    expect((await onA.delete(`${RULES}/${rule.id}`)).status).toBe(204);
    expect(await names()).toEqual([]);
  });

  it('shows costs imported on one replica in the other replica\'s next summary', async () => {
    const summary = async () => (await jsonOf(await onB.get('/api/org/acme/showback/summary'))).monthToDate as number;
    const before = await summary();
    expect(await summary()).toBe(before);
    expect((await onA.post('/api/org/acme/showback/imports', charge(4.25, 'vm-9'))).status).toBe(201);
    expect(await summary()).toBe(before + 425);
  });
});

describe.each(STORES)('reads kept per org on %s: a write is visible on the next read', (kind) => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let globex: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness(kind);
    acme = api(() => h.backend.url, await h.login('acme'));
    globex = api(() => h.backend.url, await h.login('globex'));
  }, 180_000);
  afterAll(() => h?.close());

  it('lists a rule right after it is created, changed and deleted', async () => {
    const RULES = '/api/org/acme/autoscale/rules';
    const names = async () => ((await jsonOf(await acme.get(RULES))).items as { name: string; maxVms: number }[]).map((r) => `${r.name}:${r.maxVms}`);
    expect(await names()).toEqual([]);
    const rule = await jsonOf(await acme.post(RULES, ruleFor(DEMO_INFRA_IDS.acme, { name: 'kept' })));
    expect(await names()).toEqual(['kept:5']);
    expect((await acme.put(`${RULES}/${rule.id}`, { maxVms: 3 })).status).toBe(200);
    expect(await names()).toEqual(['kept:3']);
    expect((await acme.delete(`${RULES}/${rule.id}`)).status).toBe(204);
    expect(await names()).toEqual([]);
  });

  it('shows imported costs (in cents) in the next summary, and only in the importing org', async () => {
    const summary = async (who: typeof acme, org: string) => (await jsonOf(await who.get(`/api/org/${org}/showback/summary`))).monthToDate as number;
    const before = await summary(acme, 'acme');
    const globexBefore = await summary(globex, 'globex');
    expect((await acme.post('/api/org/acme/showback/imports', charge(7.5, 'vm-1'))).status).toBe(201);
    expect(await summary(acme, 'acme')).toBe(before + 750);
    expect((await acme.post('/api/org/acme/showback/imports', charge(2.5, 'vm-2'))).status).toBe(201);
    expect(await summary(acme, 'acme')).toBe(before + 1000);
    expect(await summary(globex, 'globex')).toBe(globexBefore);
  });
});
