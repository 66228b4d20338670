import { FunctionBuilds } from '../functions/builds';
import { IsolateRuntime } from '../functions/drivers/isolate';
import type { FunctionEvent } from '../functions/ports';
import type { VersionRecord } from '../functions/store';

/**
 * Test-only: makes every isolate invocation whose event carries a ledger id report `start` (before the function
 * runs) and `end` (after it returned or threw) to a test's ledger (server/testing/ledger.ts). Isolate functions
 * cannot reach the network by design, so the report is made at IsolateRuntime.invoke, the one door every
 * execution of an isolate function passes (HTTP and AMQP calls, event triggers alike). A build whose code carries
 * `ledger-build=<id>` reports the same way around FunctionBuilds.build.
 *
 * In the test's own process: installLedgerHook(ledger.url). In a backend process: `--import` this file with
 * LEDGER_URL set (server/faults/backend-process.ts does it for `ledgerUrl`).
 */

let target: string | undefined;
let installed = false;

/** The ledger id of an event: `?ledger=` on an HTTP call, or a `ledger` field of its body or notification. */
export function ledgerIdOf(event: FunctionEvent): string | undefined {
  const e = event as { query?: Record<string, unknown>; body?: unknown; ledger?: unknown };
  const fromQuery = e.query?.ledger;
  if (typeof fromQuery === 'string') return fromQuery;
  const body = typeof e.body === 'object' && e.body !== null ? (e.body as { ledger?: unknown }).ledger : undefined;
  if (typeof body === 'string') return body;
  return typeof e.ledger === 'string' ? e.ledger : undefined;
}

async function tell(id: string, event: 'start' | 'end'): Promise<void> {
  if (!target) return;
  // Awaited: the start is in the ledger before the function runs, so a kill -9 after it cannot hide the run.
  const res = await fetch(`${target}/`, { method: 'POST', body: JSON.stringify({ id, event, pid: process.pid }) });
  if (res.status !== 204) throw new Error(`ledger answered ${res.status}`);
}

/** The ledger id of a build: a `ledger-build=<id>` marker in the version's code (a comment), as a fault test writes it. */
export function buildLedgerIdOf(v: Pick<VersionRecord, 'code'>): string | undefined {
  return /ledger-build=([\w-]+)/.exec(v.code)?.[1];
}

/** Builds report too: `FunctionBuilds.build` (private) is the one door every build of a version passes, resumed or not. */
function hookBuilds(): void {
  const builds = FunctionBuilds.prototype as unknown as { build: (v: VersionRecord) => Promise<void> };
  const build = builds.build;
  builds.build = async function ledgered(this: FunctionBuilds, v: VersionRecord) {
    const id = buildLedgerIdOf(v);
    if (id) await tell(id, 'start');
    try {
      return await build.call(this, v);
    } finally {
      if (id) await tell(id, 'end').catch(() => undefined);
    }
  };
}

export function installLedgerHook(url: string): () => void {
  target = url;
  if (!installed) {
    installed = true;
    hookBuilds();
    const invoke = IsolateRuntime.prototype.invoke;
    IsolateRuntime.prototype.invoke = async function ledgered(this: IsolateRuntime, ...args: Parameters<typeof invoke>) {
      const id = ledgerIdOf(args[1]);
      if (id) await tell(id, 'start');
      try {
        return await invoke.apply(this, args);
      } finally {
        if (id) await tell(id, 'end').catch(() => undefined);
      }
    };
  }
  return () => {
    target = undefined;
  };
}

if (process.env.LEDGER_URL) installLedgerHook(process.env.LEDGER_URL);
