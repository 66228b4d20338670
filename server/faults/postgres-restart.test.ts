import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, problemOf, startHarness, type Harness } from '../testing/harness';

/**
 * Issue 7, restarts: PostgreSQL stops under a running backend and comes back. While it is away the backend answers
 * 503 problem+json (never a 500, never a hang); afterwards it serves again with nothing lost.
 */

const cluster = () => {
  const versions = readdirSync('/etc/postgresql');
  return (action: 'start' | 'stop') => execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', action], { stdio: 'pipe' });
};

describe('PostgreSQL stopped and started under a running backend', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let pgctl: ReturnType<typeof cluster>;

  beforeAll(async () => {
    pgctl = cluster();
    h = await startHarness('postgres', { backend: { sessionCacheTtlMs: 60_000 } });
    acme = api(() => h.backend.url, await h.login('acme'));
  }, 120_000);

  afterAll(async () => {
    // Started again by the test itself; this only matters when the test failed in between.
    if (!/online/.test(execFileSync('pg_lsclusters', { encoding: 'utf8' }))) pgctl?.('start');
    await h?.close();
  }, 60_000);

  it('answers 503 problem+json while the store is down, and afterwards serves everything it had plus new writes', async () => {
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('steady'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'steady')).status).toBe('ready');
    expect((await acme.get('/api/org/acme/steady')).status).toBe(200);
    const activationsBefore = (await jsonOf(await acme.get('/api/org/acme/faas/functions/steady/activations'))).total;

    pgctl('stop');
    try {
      // A hang would fail the test by its timeout.
      const ready = await fetch(`${h.backend.url}/readyz`);
      expect(ready.status).toBe(503);
      const list = await acme.get('/api/org/acme/faas/functions');
      expect(list.status).toBe(503);
      expect((await problemOf(list)).detail).toMatch(/store|PostgreSQL/i);
      const create = await acme.post('/api/org/acme/faas/functions', newFunction('while-down'));
      expect(create.status).toBe(503);
      // The warm function may still answer from memory; it must not fail with a 500.
      expect([200, 503]).toContain((await acme.get('/api/org/acme/steady')).status);
    } finally {
      pgctl('start');
    }

    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = (await fetch(`${h.backend.url}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const fns = await jsonOf(await acme.get('/api/org/acme/faas/functions'));
    expect(fns.items.map((f: { name: string }) => f.name)).toEqual(['steady']);
    expect((await acme.get('/api/org/acme/steady')).status).toBe(200);
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/steady/activations'))).total).toBeGreaterThanOrEqual(activationsBefore + 1);
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('after-restart'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'after-restart')).status).toBe('ready');
  }, 120_000);
});
