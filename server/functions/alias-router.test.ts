import { describe, expect, it } from 'vitest';
import { pickVersion } from './alias-router';

/** The weighted choice, with given numbers instead of Math.random: which version each share of [0, 1) gets. */
describe('pickVersion', () => {
  const canary = [{ version: 3, weight: 90 }, { version: 4, weight: 10 }];

  it('gives the first 90 % of [0, 1) to the stable version and the last 10 % to the canary', () => {
    expect(pickVersion(canary, 0)).toBe(3);
    expect(pickVersion(canary, 0.8999)).toBe(3);
    expect(pickVersion(canary, 0.9)).toBe(4);
    expect(pickVersion(canary, 0.9999)).toBe(4);
  });

  it('splits an even spread of numbers exactly as weighted', () => {
    const picks = Array.from({ length: 1000 }, (_, i) => pickVersion(canary, i / 1000));
    expect(picks.filter((v) => v === 4)).toHaveLength(100);
  });

  it('never picks a version with weight 0 (a rolled-back canary), nor a stable one at 0', () => {
    const rolledBack = [{ version: 3, weight: 100 }, { version: 4, weight: 0 }];
    for (const r of [0, 0.5, 0.99999]) expect(pickVersion(rolledBack, r)).toBe(3);
    const allCanary = [{ version: 3, weight: 0 }, { version: 4, weight: 100 }];
    for (const r of [0, 0.5, 0.99999]) expect(pickVersion(allCanary, r)).toBe(4);
  });
});
