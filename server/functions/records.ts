import type { AsyncConfig, ContainerMode, FunctionRuntime, FunctionStatus, Sandbox, Trigger } from '../../contract/functions';
import type { Queryable } from '../store/db';
import type { BuildError } from './ports';

/** Functions and versions as rows and as records: the shapes, the mapping, and the SQL pieces every write shares. */

/** What a version is made of: the fields a function row and a version row share. */
export interface VersionContent {
  runtime: FunctionRuntime;
  sandbox: Sandbox;
  /** Container functions only. */
  mode: ContainerMode | null;
  /** Outbound network allowed (container functions only). */
  egress: boolean;
  code: string;
  trigger: Trigger;
  /** Schedules beside the trigger (a function may have an HTTP or event trigger and schedules). */
  moreTriggers: Trigger[];
  /** The HTTP trigger's route; null for an event-triggered function. */
  route: string | null;
  memoryMb: number;
  timeoutMs: number;
  env: Record<string, string>;
  /** Sealed secrets (secrets.ts), null when there are none. */
  secrets: string | null;
  secretNames: string[];
}

/** The function row: the content of the version it points at (version), plus the version asked for last. */
export interface FunctionRecord extends VersionContent {
  org: string;
  name: string;
  /** The version that serves calls (when status is ready). */
  version: number;
  /** The version made or rolled back to last; differs from version while it builds or after its build failed. */
  latestVersion: number;
  status: FunctionStatus;
  error: BuildError | null;
  /** The vCD org's UUID when known (event triggers need it: notifications name the org by URN). */
  orgUuid: string | null;
  /** Async calls' settings as given (defaults not filled in); not versioned. */
  async: AsyncConfig;
  /** The function's own cap on calls at once (null: only the org's quota); not versioned. */
  maxConcurrency: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One immutable version. */
export interface VersionRecord extends VersionContent {
  org: string;
  name: string;
  version: number;
  status: FunctionStatus;
  error: BuildError | null;
  buildLog: string;
  createdAt: Date;
}

export type NewFunction = { org: string; name: string; orgUuid?: string; async?: AsyncConfig; maxConcurrency?: number } & VersionContent;

export interface Row {
  org: string;
  name: string;
  version: number;
  latest_version?: number;
  runtime: FunctionRuntime;
  sandbox?: Sandbox;
  mode?: ContainerMode | null;
  egress?: boolean;
  code: string;
  trigger: FunctionRecord['trigger'] | string;
  more_triggers?: Trigger[] | string;
  route: string | null;
  memory_mb: number;
  timeout_ms: number;
  env: Record<string, string> | string;
  secrets: string | null;
  secret_names: string[] | string;
  status: FunctionStatus;
  error: BuildError | string | null;
  build_log?: string;
  org_uuid?: string | null;
  async?: AsyncConfig | string | null;
  max_concurrency?: number | null;
  created_at: Date | string;
  updated_at?: Date | string;
}

export const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function content(r: Row): VersionContent {
  return {
    runtime: r.runtime,
    sandbox: r.sandbox ?? 'isolate',
    mode: r.mode ?? null,
    egress: r.egress ?? false,
    code: r.code,
    trigger: json(r.trigger),
    moreTriggers: r.more_triggers ? json(r.more_triggers) : [],
    route: r.route,
    memoryMb: r.memory_mb,
    timeoutMs: r.timeout_ms,
    env: json(r.env),
    secrets: r.secrets,
    secretNames: json(r.secret_names),
  };
}

export function toRecord(r: Row): FunctionRecord {
  return {
    org: r.org,
    name: r.name,
    version: r.version,
    latestVersion: r.latest_version ?? r.version,
    ...content(r),
    status: r.status,
    error: r.error === null ? null : json(r.error),
    orgUuid: r.org_uuid ?? null,
    async: r.async ? json(r.async) : {},
    maxConcurrency: r.max_concurrency ?? null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at ?? r.created_at),
  };
}

export function toVersion(r: Row): VersionRecord {
  return {
    org: r.org,
    name: r.name,
    version: r.version,
    ...content(r),
    status: r.status,
    error: r.error === null ? null : json(r.error),
    buildLog: r.build_log ?? '',
    createdAt: new Date(r.created_at),
  };
}

export const CONTENT_COLUMNS = 'runtime, code, trigger, route, memory_mb, timeout_ms, env, secrets, secret_names, sandbox, mode, egress, more_triggers';
export const contentParams = (c: VersionContent) => [
  c.runtime,
  c.code,
  JSON.stringify(c.trigger),
  c.route,
  c.memoryMb,
  c.timeoutMs,
  JSON.stringify(c.env),
  c.secrets,
  JSON.stringify(c.secretNames),
  c.sandbox,
  c.mode,
  c.egress,
  JSON.stringify(c.moreTriggers),
];

/** Copies a version's content into the function row (the row then points at it). */
export const POINT_AT = `UPDATE functions f SET version = v.version, runtime = v.runtime, code = v.code, trigger = v.trigger,
  route = v.route, memory_mb = v.memory_mb, timeout_ms = v.timeout_ms, env = v.env, secrets = v.secrets,
  secret_names = v.secret_names, sandbox = v.sandbox, mode = v.mode, egress = v.egress, more_triggers = v.more_triggers, status = v.status, error = v.error, updated_at = now()
  FROM function_versions v WHERE v.org = f.org AND v.name = f.name AND f.org = $1 AND f.name = $2 AND v.version = $3`;

/** Locks the function row for the transaction (delete's cascade and addVersion take it first too). */
export async function lockFunction(tx: Queryable, org: string, name: string): Promise<FunctionRecord | undefined> {
  const { rows } = await tx.query<Row>('SELECT * FROM functions WHERE org = $1 AND name = $2 FOR UPDATE', [org, name]);
  return rows[0] && toRecord(rows[0]);
}
