import { describe, expect, it } from 'vitest';
import { detectAnomalies, driver, type DailyServiceCost } from './anomalies';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 5, 1);
const dayAt = (i: number) => new Date(START + i * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (i: number) => [0, 6].includes(new Date(START + i * DAY_MS).getUTCDay());

/** 60 days of compute: 100.00 a weekday, 60.00 a weekend day, ±3 % wobble, split 70/30 over two vApps. */
function series(spikes: Record<number, { vapp: string; add: number }> = {}): DailyServiceCost[] {
  return Array.from({ length: 60 }, (_, i) => {
    const base = (isWeekend(i) ? 6000 : 10000) * (1 + 0.03 * Math.sin(i * 1.7));
    const byVapp = { web: Math.round(base * 0.7), db: Math.round(base * 0.3) };
    const spike = spikes[i];
    if (spike) byVapp[spike.vapp as 'web' | 'db'] += spike.add;
    return { day: dayAt(i), service: 'compute', cost: byVapp.web + byVapp.db, byVapp };
  });
}

describe('cost anomalies (median ± k·MAD of the same kind of day)', () => {
  it('flags nothing on a steady series with its weekly rhythm', () => {
    expect(detectAnomalies(series(), dayAt(30), dayAt(59))).toEqual([]);
  });

  it('flags a spike with its size in money, the band it left and the vApp that drove it', () => {
    const [a, ...rest] = detectAnomalies(series({ 40: { vapp: 'db', add: 9000 } }), dayAt(30), dayAt(59));
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ day: dayAt(40), service: 'compute', vappId: 'db' });
    expect(a.delta).toBe(a.cost - a.expected);
    expect(a.delta).toBeGreaterThan(8000);
    expect(a.cost).toBeGreaterThan(a.high);
  });

  it('flags a drop too, and judges no day without enough history before it', () => {
    const rows = series();
    rows[45] = { ...rows[45], cost: 100, byVapp: { web: 50, db: 50 } };
    const found = detectAnomalies(rows, dayAt(0), dayAt(59));
    expect(found.map((a) => a.day)).toEqual([dayAt(45)]);
    expect(found[0].delta).toBeLessThan(0);
  });

  it('names the vApp with the largest share of the excess in the anomaly\'s direction, with its part of it', () => {
    const past = [{ byVapp: { web: 7000, db: 3000 } }, { byVapp: { web: 7100, db: 2900 } }, { byVapp: { web: 6900, db: 3100 } }];
    // web fell by 2000 while db rose by 6000: a spike of +4000 is db's; a drop would be web's.
    const today = { byVapp: { web: 5000, db: 9000, '': 500 } };
    expect(driver(4000, today, past)).toEqual({ id: 'db', delta: 6000 });
    expect(driver(-1500, today, past)).toEqual({ id: 'web', delta: -2000 });
    // No vApp moved the anomaly's way: no driver rather than a wrong one.
    expect(driver(4000, { byVapp: { web: 7000, db: 3000 } }, past)).toBeNull();
  });
});
