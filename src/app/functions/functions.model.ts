import type {
  ActivationView, CreateFunctionRequest, FunctionStatus, FunctionVersionView, FunctionView, UpdateFunctionRequest,
} from '../../../contract/functions';
import type { Page } from '../../../contract/problem';

/** A function as the plugin's screens show it (wire type FunctionView converted by toServerlessFunction). */
export interface ServerlessFunction {
  name: string;
  runtime: string;
  status: FunctionStatus;
  /** How the function is called: an HTTP route, or vCD notifications of the org. */
  trigger: TriggerKind;
  /** The trigger route relative to the org, e.g. "hello" ("" for an event trigger). */
  route: string;
  /** The full invoke path through vCD, e.g. "/api/org/acme/hello" ("" for an event trigger). */
  url: string;
  /** The vCD notification types an event trigger runs on (empty for an HTTP trigger). */
  events: string[];
  /** Cron schedules the function runs on (its trigger, or beside its route or events). */
  schedules: Schedule[];
  /** Container functions: outbound network allowed (never for an isolate). */
  egress: boolean;
  code: string;
  error?: { message: string; line?: number; column?: number };
  createdAt: Date;
  updatedAt: Date;
  /** The version serving calls, and the newest one (differs while the newest builds or when its build failed). */
  version: number;
  latestVersion: number;
  buildLog: string;
  /** Where the version runs; mode for containers (per-call or warm). */
  sandbox?: string;
  mode?: string;
  methods?: string[];
  limits: { memoryMb: number; timeoutMs: number };
  env: Record<string, string>;
  /** Secrets are write-only: only their names ever reach the plugin. */
  secretNames: string[];
}

export type TriggerKind = 'http' | 'event' | 'schedule';

/** A cron pattern (five fields) in an IANA time zone. */
export interface Schedule {
  cron: string;
  timezone: string;
}

/** One immutable version of a function (newest first in the list). */
export interface FunctionVersion {
  version: number;
  runtime: string;
  code: string;
  status: FunctionStatus;
  error?: { message: string; line?: number; column?: number };
  active: boolean;
  createdAt: Date;
}

/** One call of a function, with the console output it wrote: the contract's view, its start as a Date. */
export type Activation = Omit<ActivationView, 'start' | 'function' | 'tick'> & { start: Date; tick?: Date };

/** The activation list's filter (status, ISO 8601 bounds of the call's start, page): the contract's. */
export type { ActivationFilter } from '../../../contract/functions';

/** What the editor saves (PUT): a new version; secrets map a name to a new value, or to null to remove it. */
export interface FunctionChanges {
  runtime?: string;
  sandbox?: string;
  mode?: string;
  code?: string;
  limits?: { memoryMb: number; timeoutMs: number };
  network?: { egress: boolean };
  /** A new set of event types for an event-triggered function, or a new pattern and zone for a scheduled one. */
  trigger?: { type: 'event'; events: string[] } | { type: 'schedule'; cron: string; timezone: string };
  env?: Record<string, string>;
  secrets?: Record<string, string | null>;
}

/** The test panel's request. */
export interface TestRequest {
  method: string;
  /** Appended to the function's route, e.g. "/items/1". */
  pathSuffix: string;
  /** Query string without "?", e.g. "name=Ann". */
  query: string;
  headers: Record<string, string>;
  body: string;
}

/** The test panel's answer: the HTTP result plus the activation (logs, duration, cold/warm) when it could be found. */
export interface TestResult extends InvokeResult {
  activation: Activation | null;
}

export interface FunctionList {
  items: ServerlessFunction[];
  total: number;
}

/** What the "New function" form collects. */
export interface NewFunction {
  name: string;
  runtime: string;
  /** Default http. */
  trigger?: TriggerKind;
  route: string;
  /** vCD notification types, for an event trigger. */
  events?: string[];
  /** A schedule trigger's cron pattern and time zone. */
  cron?: string;
  timezone?: string;
  code: string;
  sandbox?: string;
  mode?: string;
  /** Containers only: outbound network (default none). */
  egress?: boolean;
}

/** A function's answer to an Invoke: whatever status it had, with the body as text (pretty when JSON). */
export interface InvokeResult {
  status: number;
  contentType: string;
  body: string;
}

export function toServerlessFunction(wire: FunctionView): ServerlessFunction {
  return {
    name: wire.name,
    runtime: wire.runtime,
    status: wire.status,
    trigger: wire.trigger.type,
    route: wire.trigger.type === 'http' ? wire.trigger.route : '',
    url: wire.url ?? '',
    events: wire.trigger.type === 'event' ? [...wire.trigger.events] : [],
    // A backend from before schedules sends no triggers list.
    schedules: (wire.triggers ?? [wire.trigger]).flatMap((t) => (t.type === 'schedule' ? [{ cron: t.cron, timezone: t.timezone }] : [])),
    egress: wire.network?.egress ?? false,
    code: wire.code,
    error: wire.error ? { ...wire.error } : undefined,
    createdAt: new Date(wire.createdAt),
    updatedAt: new Date(wire.updatedAt),
    version: wire.version ?? 1,
    latestVersion: wire.latestVersion ?? wire.version ?? 1,
    buildLog: wire.buildLog ?? '',
    sandbox: wire.sandbox,
    mode: wire.mode,
    methods: wire.trigger.type === 'http' ? wire.trigger.methods : undefined,
    limits: { ...wire.limits },
    env: { ...(wire.env ?? {}) },
    secretNames: [...(wire.secretNames ?? [])],
  };
}

export function toFunctionVersion(wire: FunctionVersionView): FunctionVersion {
  return {
    version: wire.version,
    runtime: wire.runtime,
    code: wire.code,
    status: wire.status,
    error: wire.error ? { ...wire.error } : undefined,
    active: wire.active,
    createdAt: new Date(wire.createdAt),
  };
}

export function toActivation(wire: ActivationView): Activation {
  return {
    id: wire.id,
    version: wire.version,
    ...(wire.alias ? { alias: wire.alias } : {}),
    trigger: wire.trigger,
    ...(wire.tick ? { tick: new Date(wire.tick) } : {}),
    start: new Date(wire.start),
    durationMs: wire.durationMs,
    status: wire.status,
    cold: wire.cold,
    memoryMb: wire.memoryMb,
    statusCode: wire.statusCode,
    logs: [...wire.logs],
    logsTruncated: wire.logsTruncated,
    // A backend from before the response policy sends none.
    droppedHeaders: [...(wire.droppedHeaders ?? [])],
  };
}

export function fromFunctionChanges(changes: FunctionChanges): UpdateFunctionRequest {
  return { ...changes } as UpdateFunctionRequest;
}

export function toFunctionList(page: Page<FunctionView>): FunctionList {
  return { items: page.items.map(toServerlessFunction), total: page.total };
}

export function fromNewFunction(form: NewFunction): CreateFunctionRequest {
  return {
    name: form.name.trim(),
    runtime: form.runtime as CreateFunctionRequest['runtime'],
    code: form.code,
    trigger: triggerOf(form),
    ...(form.sandbox ? { sandbox: form.sandbox as CreateFunctionRequest['sandbox'] } : {}),
    ...(form.sandbox === 'container' && form.mode ? { mode: form.mode as CreateFunctionRequest['mode'] } : {}),
    ...(form.sandbox === 'container' && form.egress ? { network: { egress: true } } : {}),
  };
}

function triggerOf(form: NewFunction): NonNullable<CreateFunctionRequest['trigger']> {
  if (form.trigger === 'event') return { type: 'event', events: [...(form.events ?? [])] };
  if (form.trigger === 'schedule') return { type: 'schedule', cron: (form.cron ?? '').trim(), timezone: form.timezone || 'UTC' };
  return { type: 'http', route: form.route.trim().replace(/^\/+|\/+$/g, '') };
}

export function toInvokeResult(response: { status: number; headers: { get(name: string): string | null }; body: string | null }): InvokeResult {
  const contentType = response.headers.get('Content-Type') ?? '';
  const body = response.body ?? '';
  return { status: response.status, contentType, body: contentType.includes('json') ? prettyJson(body) : body };
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const isInitializing = (fn: ServerlessFunction): boolean => fn.status === 'initializing';
