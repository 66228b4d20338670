import { withoutActionJournal } from './guarantees-off';

/**
 * Test-only preload (`startBackendProcess(env, { preload: [...] })`): a backend process whose resumed scale outs
 * forget their journalled VM, for the scale-out kill -9 fault's negative control (server/testing/guarantees-off.ts).
 */
withoutActionJournal();
