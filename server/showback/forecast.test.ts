import { describe, expect, it } from 'vitest';
import { backtestMape, forecastMonth } from './forecast';

describe('forecastMonth', () => {
  it('adds the remaining days at the recent daily cost to the month to date', () => {
    const f = forecastMonth({ history: Array(28).fill(100), monthToDate: 1000, daysElapsed: 10, daysInMonth: 30 });
    expect(f.value).toBe(3000);
    expect(f.runRatePerDay).toBe(100);
    expect(f.low).toBe(3000);
    expect(f.high).toBe(3000);
  });

  it('forecasts higher for a rising month than for a flat one with the same average', () => {
    const rising = Array.from({ length: 28 }, (_, i) => 50 + (100 * i) / 27);
    const flat = Array(28).fill(100);
    const up = forecastMonth({ history: rising, monthToDate: 1000, daysElapsed: 10, daysInMonth: 30 });
    const level = forecastMonth({ history: flat, monthToDate: 1000, daysElapsed: 10, daysInMonth: 30 });
    expect(up.value).toBeGreaterThan(level.value);
    expect(up.method).toMatch(/trend/);
  });

  it('widens the band when daily costs scatter more', () => {
    const calm = Array.from({ length: 28 }, (_, i) => (i % 2 ? 95 : 105));
    const wild = Array.from({ length: 28 }, (_, i) => (i % 2 ? 50 : 150));
    const a = forecastMonth({ history: calm, monthToDate: 500, daysElapsed: 5, daysInMonth: 31 });
    const b = forecastMonth({ history: wild, monthToDate: 500, daysElapsed: 5, daysInMonth: 31 });
    expect(b.high - b.low).toBeGreaterThan(a.high - a.low);
    expect(a.low).toBeLessThanOrEqual(a.value);
    expect(a.high).toBeGreaterThanOrEqual(a.value);
  });

  it('never forecasts below the month to date, and a finished month is what it cost', () => {
    const falling = Array.from({ length: 28 }, (_, i) => 200 - i * 10);
    const f = forecastMonth({ history: falling, monthToDate: 4000, daysElapsed: 20, daysInMonth: 30 });
    expect(f.value).toBeGreaterThanOrEqual(4000);
    expect(f.low).toBeGreaterThanOrEqual(4000);
    const done = forecastMonth({ history: falling, monthToDate: 4321, daysElapsed: 30, daysInMonth: 30 });
    expect(done).toMatchObject({ value: 4321, low: 4321, high: 4321 });
  });

  it('answers the month to date when there is no history', () => {
    expect(forecastMonth({ history: [], monthToDate: 0, daysElapsed: 0, daysInMonth: 31 }).value).toBe(0);
  });
});

describe('backtestMape', () => {
  it('is 0 for perfectly steady costs and grows with an unforeseeable jump', () => {
    const days = Array.from({ length: 120 }, (_, i) => ({ day: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), cost: 100 }));
    const steady = backtestMape(days, 10);
    expect(steady.months).toBe(3);
    expect(steady.mapePct).toBe(0);
    const jumpy = days.map((d) => ({ ...d, cost: d.day.slice(8) > '15' ? 300 : 100 }));
    expect(backtestMape(jumpy, 10).mapePct).toBeGreaterThan(backtestMape(jumpy, 20).mapePct);
  });
});
