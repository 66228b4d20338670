import { defineConfig } from 'vitest/config';

/**
 * Files that run one at a time, after the others (`npm test` runs the "parallel" project with 2 workers, then this
 * one with 1): each is heavy on a 2-core machine or measures something a busy neighbour skews, and tripped, or would
 * trip, when run beside another file.
 */
const SERIAL = [
  // Real Podman containers (builds, runs, forks and egress of container functions).
  'server/functions/drivers/container/runtime.test.ts',
  'server/functions/drivers/container/egress.test.ts',
  // Loads or builds the released backend image and runs it under Podman.
  'scripts/release/image.test.ts',
  // The autoscale closed loop: scale-out and scale-in wait on load and stabilization windows.
  'server/autoscale/loop.test.ts',
  // Fuzzing and sandbox escapes: minutes of CPU, and functions stopped at their memory and time limits.
  'server/hardening/fuzz.test.ts',
  'server/hardening/sandbox.test.ts',
  // A function's memory limit stops its hoard before its time limit does: only true with a core to spare.
  'server/functions/functions.test.ts',
  // Restarts the backend and expects vCD's deliveries to reach the new one (failed with `fetch failed` under load).
  'server/functions/events.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    // isolated-vm on Node 20 needs --no-node-snapshot (its README): V8's shared read-only heap can crash otherwise.
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    // Hang guards, not speed checks: a test fails on what it sees, never on how long a loaded 2-core machine took
    // (CI saw a 30 s guard trip on a test that passes in 3 s when the machine is quiet).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The PostgreSQL suites share one server; files run in parallel but each uses its own database.
    fileParallelism: true,
    // Two projects over the same files, split by SERIAL. The pool's worker count is one for the whole run, so
    // `npm test` (scripts/test.mjs) runs them apart: `--project parallel --maxWorkers=2`, then `--project serial
    // --no-file-parallelism`. A plain `npx vitest run` runs both at vitest's default worker count.
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['server/**/*.test.ts', 'mock-vcd/**/*.test.ts', 'bin/**/*.test.ts', 'contract/**/*.test.ts', 'scripts/**/*.test.ts'],
          // server/faults/ restarts shared services: vitest.faults.config.ts runs it alone, after this.
          exclude: ['mock-vcd/portal/**', 'node_modules/**', 'server/faults/**', ...SERIAL],
        },
      },
      { extends: true, test: { name: 'serial', include: SERIAL } },
    ],
  },
});
