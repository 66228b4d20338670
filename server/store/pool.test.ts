import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { api, startHarness, type Harness } from '../testing/harness';

/** DATABASE_POOL_MAX: a provider sizes each replica's share of PostgreSQL's max_connections (issue 16 item 3). */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The backend pool's connections to this test's database, as PostgreSQL itself counts them. */
async function poolConnections(databaseUrl: string): Promise<number> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'vcd-serverless'`,
      [database],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

describe('the PostgreSQL pool of one replica', () => {
  it('opens no more connections than DATABASE_POOL_MAX under 40 concurrent requests, and answers them all', async () => {
    harness = await startHarness('postgres', { backend: { databasePoolMax: 2 } });
    const acme = api(() => harness!.backend.url, await harness.login('acme'));
    const answers = await Promise.all(Array.from({ length: 40 }, () => acme.get('/api/org/acme/faas/functions')));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
    const open = await poolConnections(harness.store.overrides.databaseUrl as string);
    expect(open).toBeGreaterThanOrEqual(1);
    expect(open).toBeLessThanOrEqual(2);
  });
});
