import { describe, expect, it } from 'vitest';
import { MemoryRateWindows, StoreOrMemoryRateWindows, type RateWindows } from './rate-windows';

/** A store that can be taken down and brought back, counting in memory while it is up. */
function flakyStore(): RateWindows & { down: boolean } {
  const inner = new MemoryRateWindows(() => 1_000);
  return {
    down: false,
    hit(keys, windowMs) {
      return this.down ? Promise.reject(new Error('connection refused')) : inner.hit(keys, windowMs);
    },
    undo(keys, windowMs) {
      return this.down ? Promise.reject(new Error('connection refused')) : inner.undo(keys, windowMs);
    },
  };
}

describe('rate limits while the store is down', () => {
  it("counts in this replica's memory instead of failing the call, and says so once per outage", async () => {
    const store = flakyStore();
    const said: string[] = [];
    const windows = new StoreOrMemoryRateWindows(store, (err, recovered) => said.push(recovered ? 'recovered' : `down: ${err.message}`), () => 1_000);
    expect((await windows.hit(['acme'], 1000))[0].hits).toBe(1);
    store.down = true;
    // Still counted (a limit keeps holding per replica), and no error reaches the caller.
    expect((await windows.hit(['acme'], 1000))[0].hits).toBe(1);
    expect((await windows.hit(['acme'], 1000))[0].hits).toBe(2);
    await windows.undo(['acme'], 1000);
    expect((await windows.hit(['acme'], 1000))[0].hits).toBe(2);
    store.down = false;
    expect((await windows.hit(['acme'], 1000))[0].hits).toBe(2);
    expect(said).toEqual(['down: connection refused', 'recovered']);
  });
});
