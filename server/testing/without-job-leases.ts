import { withoutJobLeases } from './guarantees-off';

/**
 * Test-only preload (`startBackendProcess(env, { preload: [...] })`): a backend process whose queued calls' leases
 * do not protect a running call, for the async kill -9 fault's negative control (server/testing/guarantees-off.ts).
 */
withoutJobLeases();
