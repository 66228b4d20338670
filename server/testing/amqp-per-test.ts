import { afterEach } from 'vitest';
import type { Harness } from './harness';
import { startAmqpHarness, stopAmqpHarness, type Names } from './amqp';

// Apart from amqp.ts: Playwright specs import that one, and vitest cannot be loaded there.

/** A start function for AMQP harnesses that are stopped (and their broker names deleted) after each test. */
export function amqpHarnessPerTest() {
  const running: { harness: Harness; names: Names }[] = [];
  afterEach(async () => {
    for (const started of running.splice(0)) await stopAmqpHarness(started);
  });
  return async (options: Parameters<typeof startAmqpHarness>[0] = {}) => {
    const started = await startAmqpHarness(options);
    running.push(started);
    return started;
  };
}
