import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('configuration', () => {
  it('runs on a laptop with no environment at all', () => {
    expect(loadConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 8089,
      dataDir: '.data/backend',
      vcdUrl: 'http://127.0.0.1:8088',
      sessionCacheTtlMs: 30_000,
      functionDefaultMemoryMb: 64,
      functionMaxMemoryMb: 128,
      functionDefaultTimeoutMs: 3000,
      functionMaxTimeoutMs: 10_000,
      bodyLimitBytes: 1024 * 1024,
    });
    expect(loadConfig({}).databaseUrl).toBeUndefined();
  });

  it('reads the environment, and overrides win over it', () => {
    const config = loadConfig(
      { PORT: '9000', DATABASE_URL: 'postgres://u@db:5432/x', BODY_LIMIT: '2mb', LOG_LEVEL: 'debug' },
      { port: 0 },
    );
    expect(config).toMatchObject({ port: 0, databaseUrl: 'postgres://u@db:5432/x', bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'debug' });
  });

  it('names the environment variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ VCD_URL: 'not a url' })).toThrow(/VCD_URL/);
    expect(() => loadConfig({ FUNCTION_DEFAULT_MEMORY_MB: '256' })).toThrow(/FUNCTION_DEFAULT_MEMORY_MB/);
  });
});
