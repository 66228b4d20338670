import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'mock-vcd/**/*.test.ts', 'bin/**/*.test.ts', 'contract/**/*.test.ts', 'scripts/**/*.test.ts'],
    // server/faults/ restarts shared services: vitest.faults.config.ts runs it alone, after this.
    exclude: ['mock-vcd/portal/**', 'node_modules/**', 'server/faults/**'],
    pool: 'forks',
    // isolated-vm on Node 20 needs --no-node-snapshot (its README): V8's shared read-only heap can crash otherwise.
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The PostgreSQL suites share one server; files run in parallel but each uses its own database.
    fileParallelism: true,
  },
});
