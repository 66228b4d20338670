import { ScaleExecutor } from '../autoscale/executor';
import { AsyncJobStore } from '../functions/async-store';
import type { Db } from '../store/db';
import { ExtensionBridge } from '../transport/amqp/extension-bridge';
import { RequestClaims } from '../transport/claims';

/**
 * Test-only negative controls for the fault suite (issue 20): each function removes one guarantee of the product
 * from the process it runs in, so a fault test can show that its ledger sees the call that ran twice without it.
 * Nothing in the product reads a switch for this: the test patches its own process, or preloads
 * `server/testing/without-job-leases.ts` or `without-action-journal.ts` into a backend process it starts
 * (startBackendProcess's `preload`).
 * Each returns the function that puts the guarantee back.
 */

/**
 * The AMQP bridge's request claims (server/transport/claims.ts) say yes to every request: a replica runs a
 * redelivered unsafe request although another replica, killed meanwhile, had claimed and started it.
 */
export function withoutRequestClaims(): () => void {
  const claim = RequestClaims.prototype.claim;
  RequestClaims.prototype.claim = async () => true;
  return () => {
    RequestClaims.prototype.claim = claim;
  };
}

/**
 * Queued calls' leases (server/functions/async-store.ts claim) no longer protect a running call: before each claim
 * every running job's lease is made to have expired, so the worker claims calls still running (its own, or a live
 * replica's) as if their replica had died.
 */
export function withoutJobLeases(): () => void {
  const claim = AsyncJobStore.prototype.claim;
  AsyncJobStore.prototype.claim = async function claimIgnoringLeases(this: AsyncJobStore, ...args: Parameters<typeof claim>) {
    // The store's db is private to the product; this test-only patch reaches it on purpose.
    const db = (this as unknown as { db: Db }).db;
    await db.query(`UPDATE function_async_jobs SET lease_until = now() - interval '1 second' WHERE status = 'running'`);
    return claim.apply(this, args);
  };
  return () => {
    AsyncJobStore.prototype.claim = claim;
  };
}

/**
 * The AMQP bridge admits every request (server/transport/amqp/extension-bridge.ts `admit`): neither its
 * started-request guard nor the store claim behind it stops a redelivered unsafe request it had already started.
 */
export function withoutStartedRequestGuard(): () => void {
  // `admit` is private to the bridge; this test-only patch replaces it on purpose.
  const bridge = ExtensionBridge.prototype as unknown as { admit: () => Promise<'run' | 'drop' | 'unavailable'> };
  const admit = bridge.admit;
  bridge.admit = async () => 'run';
  return () => {
    bridge.admit = admit;
  };
}

/**
 * A resumed scale out forgets the VM its journal names (server/autoscale/executor.ts): it runs as a fresh action,
 * takes the next free name and composes a second VM, leaving the one the killed process made outside the pool.
 */
export function withoutActionJournal(): () => void {
  // `run` is private to the executor; this test-only patch wraps it on purpose.
  const executor = ScaleExecutor.prototype as unknown as { run: (token: string, action: { vmName?: string | null }) => Promise<void> };
  const run = executor.run;
  executor.run = function runForgetful(this: unknown, token, action) {
    return run.call(this, token, { ...action, vmName: undefined });
  };
  return () => {
    executor.run = run;
  };
}
