import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockVcd, type RunningMockVcd } from '../main';
import { demoCharges } from './demo-data';

describe('mock billing API', () => {
  let mock: RunningMockVcd;
  beforeAll(async () => {
    mock = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal' });
  });
  afterAll(() => mock.close());

  const charges = (org: string, from: string, to: string, token = 'demo-billing-token') =>
    fetch(`${mock.url}/billing/api/v1/orgs/${org}/charges?from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${token}` } });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  it('serves at least six months of daily charges for both demo orgs, the same on every call', async () => {
    for (const org of ['acme', 'globex']) {
      const first = (await (await charges(org, day(-200), day(1))).json()) as { items: { start: string; service: string }[] };
      const again = await (await charges(org, day(-200), day(1))).json();
      expect(first.items.length).toBeGreaterThan(0);
      expect(new Set(first.items.map((c: { start: string }) => c.start.slice(0, 10))).size).toBe(201);
      expect(new Set(first.items.map((c: { service: string }) => c.service))).toEqual(new Set(['compute', 'storage', 'network', 'functions', 'backup']));
      expect(again).toEqual(first);
    }
  });

  it('reaches back at least six months, and a longer range adds no day before the history starts', async () => {
    const days = async (from: string) => {
      const body = (await (await charges('acme', from, day(1))).json()) as { items: { start: string }[] };
      return [...new Set(body.items.map((c) => c.start.slice(0, 10)))].sort();
    };
    const year = await days(day(-365));
    // Six months back (183 days) plus today, each day once and none missing in between.
    expect(year.length).toBeGreaterThanOrEqual(184);
    expect(year[year.length - 1]).toBe(day(0));
    expect(Date.parse(year[0])).toBeLessThanOrEqual(Date.parse(day(-183)));
    expect((Date.parse(year[year.length - 1]) - Date.parse(year[0])) / 86_400_000 + 1).toBe(year.length);
    expect(await days(day(-3650))).toEqual(year);
  });

  it('gives a day the same charges whenever it is asked for', () => {
    const from = new Date(Date.UTC(2026, 0, 5));
    const to = new Date(Date.UTC(2026, 0, 6));
    const askedThatEvening = demoCharges('globex', from, to, Date.UTC(2026, 0, 5, 20));
    const askedMonthsLater = demoCharges('globex', from, to, Date.UTC(2026, 4, 1));
    expect(askedThatEvening.length).toBe(7); // compute and storage per vApp (2 × 2), network, functions, backup
    expect(askedMonthsLater).toEqual(askedThatEvening);
    // Before the day has begun there is nothing to charge.
    expect(demoCharges('globex', from, to, Date.UTC(2026, 0, 4, 12))).toEqual([]);
  });

  it('gives each org its own charges', async () => {
    const acme = (await (await charges('acme', day(-3), day(0))).json()) as { items: { org: string }[] };
    const globex = (await (await charges('globex', day(-3), day(0))).json()) as { items: { org: string }[] };
    expect(acme.items.every((c: { org: string }) => c.org === 'acme')).toBe(true);
    expect(globex.items.every((c: { org: string }) => c.org === 'globex')).toBe(true);
  });

  it('refuses a wrong token and bad dates', async () => {
    expect((await charges('acme', day(-3), day(0), 'nope')).status).toBe(401);
    expect((await charges('acme', 'yesterday', day(0))).status).toBe(400);
    expect((await charges('nobody', day(-3), day(0))).status).toBe(404);
  });
});
