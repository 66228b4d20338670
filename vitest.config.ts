import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'mock-vcd/**/*.test.ts', 'bin/**/*.test.ts', 'contract/**/*.test.ts', 'scripts/**/*.test.ts'],
    // server/faults/ restarts shared services: vitest.faults.config.ts runs it alone, after this.
    exclude: ['mock-vcd/portal/**', 'node_modules/**', 'server/faults/**'],
    pool: 'forks',
    // isolated-vm on Node 20 needs --no-node-snapshot (its README): V8's shared read-only heap can crash otherwise.
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    // Hang guards, not speed checks: a test fails on what it sees, never on how long a loaded 2-core machine took
    // (CI saw a 30 s guard trip on a test that passes in 3 s when the machine is quiet).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The PostgreSQL suites share one server; files run in parallel but each uses its own database.
    fileParallelism: true,
  },
});
