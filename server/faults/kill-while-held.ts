import type { Ledger } from '../testing/ledger';
import type { BackendProcess } from './backend-process';

export interface KillWhileHeld {
  ledger: Ledger;
  /** Sends one call carrying the ledger id. */
  send: (id: string) => Promise<Response>;
  /** The replica killed -9 while every call is held in flight. */
  victim: BackendProcess;
  calls: number;
  /** Calls sent once the survivor is alone (none by default). */
  afterCalls?: number;
}

/**
 * The replica-kill fault, whatever the transport: `calls` calls held in flight across the replicas (ledger.hold),
 * the victim killed -9 inside ledger.fault, the rest released, then `afterCalls` more. The test judges the verdict.
 */
export async function killWhileHeld({ ledger, send, victim, calls, afterCalls = 0 }: KillWhileHeld): Promise<{ held: string[]; inFlight: string[]; statuses: number[]; after: number[] }> {
  ledger.hold();
  const during = Array.from({ length: calls }, () => ledger.call(send));
  await ledger.waitInFlight(calls);
  // The ids the victim holds as it dies: a fault that met none of its calls would prove nothing.
  const held = ledger.inFlight(victim.pid);
  const inFlight = await ledger.fault(() => victim.kill());
  ledger.release();
  const statuses = await Promise.all(during);
  await ledger.waitIdle({ ignorePids: [victim.pid] });
  const after = await Promise.all(Array.from({ length: afterCalls }, () => ledger.call(send)));
  return { held, inFlight, statuses, after };
}
