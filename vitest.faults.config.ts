import { defineConfig } from 'vitest/config';

// Fault suites restart PostgreSQL and RabbitMQ and kill backends: one file at a time, after the other suites, on a
// PostgreSQL and a RabbitMQ node of their own (server/faults/faults-setup.ts), never the machine's shared ones.
export default defineConfig({
  test: {
    include: ['server/faults/**/*.test.ts'],
    globalSetup: ['server/faults/faults-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
