import type { VcdOrgUsage } from '../vcd/usage';
import type { CostRecord } from './store';

/** A time range, end exclusive. */
export interface Range {
  from: Date;
  to: Date;
}

/** What a collector knows of a configured source. */
export interface SourceSpec {
  id: string;
  org: string;
  kind: string;
  config: Record<string, unknown>;
}

/** What a collect brought; `settle` (queues) is told whether the records were stored, to ack or give them back. */
export interface Collected {
  records: CostRecord[];
  settle?: (stored: boolean) => Promise<void>;
}

/** A billing system the collectors pull from (STYLE: one small interface, many drivers). */
export interface BillingSource {
  /** Cost records of `spec.org` whose period starts in the range (queues: what is waiting); throws when the source cannot answer. */
  collect(spec: SourceSpec, range: Range): Promise<CostRecord[] | Collected>;
  /** Refuses a config this backend will not collect from (throws Invalid → 400), before it is stored or tested. */
  check?(spec: Pick<SourceSpec, 'config'>): void;
  /** The source was deleted: drop what the driver keeps for it (e.g. its queue). */
  forget?(spec: SourceSpec): Promise<void>;
}

/** FaaS usage per function and day, as the functions feature records it (its usage reader, wired in server/compose/showback.ts). */
export interface FunctionUsage {
  function: string;
  day: string;
  invocations: number;
  gbSeconds: number;
}
export interface FunctionUsageSource {
  usage(org: string, range: Range): Promise<FunctionUsage[]>;
}

/** An org's VMs and vApps as vCD shows them now (wired in server/main.ts over server/vcd/usage.ts). */
export interface VcdInventorySource {
  /** Throws when vCD cannot answer (the run fails with the reason). */
  snapshot(org: string): Promise<VcdOrgUsage>;
}

/** Seals a secret for the store and opens it again (the backend's secrets key; wired in server/compose/showback.ts). */
export interface SecretSealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** A budget alert as a function's event (`showback/budget.threshold`): eventId is the alert's id. */
// A type, not an interface: it must fit the functions feature's open ProductEvent (an index signature).
export type AlertFunctionEvent = {
  type: string;
  eventId: string;
  org: string;
  timestamp: string;
  alert: unknown;
};

/**
 * The org's functions an alert runs (the functions feature's product events, wired in server/compose/showback.ts):
 * those subscribed to the event's type, each once per eventId however often it is handed over.
 */
export interface AlertFunctions {
  /** Whether the org has a function of that name subscribed to the type (a budget's `function`). */
  check(org: string, name: string, type: string): Promise<'ok' | 'missing' | 'not-subscribed'>;
  /** Runs them (only `only` when given); `retry`: those refused for now (hand it over again later). */
  deliver(event: AlertFunctionEvent, only?: string): Promise<{ ran: string[]; retry: string[] }>;
}
