import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db';
import { migrate } from '../store/migrate';
import { freshStore, openTestDb, STORES, type StoreHandle } from '../testing/harness';
import { BudgetStore } from './budget-store';

/**
 * When the alert outboxes (webhook delivery, function hand-over) wake next. An idle backend must not poll: with no
 * alert pending the answer is "none" (null), which leaves the DueRounds loops asleep until an alert is recorded.
 */
describe.each(STORES)('budget alert outboxes on %s', (kind) => {
  let store: StoreHandle;
  let db: Db;
  let budgets: BudgetStore;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = await openTestDb(store);
    await migrate(db);
    budgets = new BudgetStore(db);
  });
  afterAll(async () => {
    await db?.close();
    await store?.drop();
  });

  it('has nothing due while no alert is pending, so the outbox loops stay asleep', async () => {
    expect(await budgets.nextDueInMs('deliveries')).toBeNull();
    expect(await budgets.nextDueInMs('functions')).toBeNull();
  });

  it('is due at once for a pending alert whose time has come, and in the future for one retried later', async () => {
    await db.query(
      `INSERT INTO showback_alerts (id, org, budget_id, budget_name, period, type, percent, threshold, value, amount, currency,
              webhook_url, delivery_state, next_attempt_at, function_state, function_next_at)
       VALUES ('a1', 'acme', 'b1', 'dev', '2026-12', 'actual', 80, 80, 90, 100, 'EUR', 'http://127.0.0.1/x', 'pending',
               now() - interval '1 minute', 'pending', now() + interval '10 minutes')`,
    );
    expect(await budgets.nextDueInMs('deliveries')).toBe(0);
    const functionsIn = await budgets.nextDueInMs('functions');
    expect(functionsIn).toBeGreaterThan(9 * 60_000);
    expect(functionsIn).toBeLessThanOrEqual(10 * 60_000);
  });
});
