import type { FunctionRuntime, Sandbox, ScheduleEvent } from '../../contract/functions';
import type { AutoscaleHookEvent } from '../../contract/autoscale-hooks';
import type { OrgLimits } from '../../contract/limits';
import type { VcdNotification } from '../vcd/notification';

/** What a runtime needs to know about one function version. */
export interface FunctionVersion {
  /** Unique per org, name, version and content: a warm instance is never reused for other code. */
  key: string;
  name: string;
  /** Absent means nodejs20 in its default sandbox (contract RUNTIME_SANDBOXES). */
  runtime?: FunctionRuntime;
  sandbox?: Sandbox;
  /** Containers only: per-call (default) or warm. */
  mode?: 'per-call' | 'warm';
  /** Containers only: outbound network allowed (default none). */
  egress?: boolean;
  code: string;
  memoryMb: number;
  timeoutMs: number;
  /** env and decrypted secrets, handed to the handler as context.env (never logged). */
  env?: Record<string, string>;
}

export interface BuildError {
  message: string;
  line?: number;
  column?: number;
}

export type BuildResult = { ok: true } | { ok: false; error: BuildError };

/** The HTTP trigger's event (DESIGN §4): no credentials in it. */
export interface HttpEvent {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * One of the product's own events (contract PRODUCT_EVENT_TYPES), e.g. a showback budget alert: its type, an id
 * that is the same on every delivery of it, the org, when it happened, and the feature's own fields (`alert`).
 */
export interface ProductEvent {
  type: string;
  eventId: string;
  org: string;
  timestamp: string;
  [field: string]: unknown;
}

/** What a handler gets as `event`: the HTTP request, the vCD notification or product event of an event trigger, a schedule's tick, an autoscale hook's VM. */
export type FunctionEvent = HttpEvent | VcdNotification | ScheduleEvent | ProductEvent | AutoscaleHookEvent;

/** Finds a vCD org by name with a caller's session (server/vcd/ implements it). */
export interface OrgDirectory {
  /** The org's URN or UUID, or undefined when vCD shows no such org to that session. */
  orgUuid(orgName: string, token: string): Promise<string | undefined>;
}

export interface InvokeContext {
  org: string;
  functionName: string;
  requestId: string;
}

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  /** Console output of this call, capped. */
  logs: string[];
  /** True when this call started a new instance (cold start). */
  cold?: boolean;
}

/**
 * What a runtime may attach to an error thrown by invoke, so the activation record still shows it:
 * the console output before the failure and whether the call started a new instance.
 */
export interface InvokeFailureDetails {
  logs?: string[];
  cold?: boolean;
}

/**
 * Runs function code (DESIGN §5); one small interface, many providers (isolate, container).
 * invoke throws Upstream("handler-error" | "memory-limit" | "bad-result" | "interrupted") or Timeout.
 */
export interface Runtime {
  build(fn: FunctionVersion): Promise<BuildResult>;
  invoke(fn: FunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult>;
  /** Drops warm instances whose key starts with the prefix (a deleted or replaced function). */
  evict(keyPrefix: string): void;
  /** Frees what was built for a function (`org/name@`) but the kept versions (none when it was deleted); background. */
  prune?(functionPrefix: string, keep: FunctionVersion[]): void;
  close(): Promise<void>;
  /** Which sandboxes can run here right now, and why not (absent: all of them). */
  sandboxes?(): Promise<SandboxAvailability[]>;
}

export interface SandboxAvailability {
  sandbox: Sandbox;
  available: boolean;
  reason?: string;
}

/**
 * The provider's limits of an org (the provider feature keeps them; server/compose/ wires them in). Answered from a
 * short-lived copy, so it may be asked on every call.
 */
export type OrgLimitsOf = (org: string) => Promise<OrgLimits>;
