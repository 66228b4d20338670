import {
  ASYNC_MAX_EVENT_AGE_S,
  ASYNC_MAX_RETRIES,
  defaultSandbox,
  runsIn,
  RUNTIME_SANDBOXES,
  RUNTIMES,
  SANDBOXES,
  type RuntimesInfo,
  type AsyncConfig,
  type ContainerMode,
  type FunctionRuntime,
  type FunctionVersionView,
  type FunctionView,
  type Sandbox,
  type Trigger,
} from '../../contract/functions';
import { Invalid } from '../errors';
import type { FunctionRecord, VersionRecord } from './store';

/** Pure helpers of the functions service: views of records, version keys, placement, trigger and body shapes. */

/** The function as GET answers it: the serving version's content, the latest version's build state. */
export function toView(r: FunctionRecord, latest?: VersionRecord): FunctionView {
  const build = latest ?? { status: r.status, error: r.error, buildLog: '' };
  return {
    name: r.name,
    org: r.org,
    runtime: r.runtime,
    sandbox: r.sandbox,
    ...(r.mode ? { mode: r.mode } : {}),
    code: r.code,
    trigger: r.trigger,
    triggers: [r.trigger, ...r.moreTriggers],
    limits: { memoryMb: r.memoryMb, timeoutMs: r.timeoutMs },
    ...(r.sandbox === 'container' ? { network: { egress: r.egress } } : {}),
    status: build.status,
    ...(build.error ? { error: build.error } : {}),
    ...(r.route !== null ? { url: `/api/org/${r.org}/${r.route}` } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
    latestVersion: r.latestVersion,
    buildLog: build.buildLog,
    env: r.env,
    secretNames: r.secretNames,
    ...(r.maxConcurrency !== null ? { maxConcurrency: r.maxConcurrency } : {}),
    async: asyncSettings(r.async),
  };
}

/** A function's async settings with the defaults filled in: 2 retries, 6 hours. */
export function asyncSettings(c: AsyncConfig): Required<Pick<AsyncConfig, 'maxRetries' | 'maxEventAgeSeconds'>> & AsyncConfig {
  return { ...c, maxRetries: c.maxRetries ?? ASYNC_MAX_RETRIES, maxEventAgeSeconds: c.maxEventAgeSeconds ?? ASYNC_MAX_EVENT_AGE_S };
}

export function toVersionView(v: VersionRecord, active: number): FunctionVersionView {
  return {
    version: v.version,
    runtime: v.runtime,
    sandbox: v.sandbox,
    ...(v.mode ? { mode: v.mode } : {}),
    code: v.code,
    trigger: v.trigger,
    triggers: [v.trigger, ...v.moreTriggers],
    limits: { memoryMb: v.memoryMb, timeoutMs: v.timeoutMs },
    ...(v.sandbox === 'container' ? { network: { egress: v.egress } } : {}),
    env: v.env,
    secretNames: v.secretNames,
    status: v.status,
    ...(v.error ? { error: v.error } : {}),
    buildLog: v.buildLog,
    active: v.version === active,
    createdAt: v.createdAt.toISOString(),
  };
}

/**
 * Where a version runs: sandbox defaults per runtime (RUNTIME_SANDBOXES; kept from the base version when the
 * runtime stays); mode applies to containers only (default per-call).
 */
export function placement(
  runtime: FunctionRuntime,
  sandbox: Sandbox | undefined,
  mode: ContainerMode | undefined,
  base?: { runtime: FunctionRuntime; sandbox: Sandbox; mode: ContainerMode | null; egress: boolean },
  egress?: boolean,
): { sandbox: Sandbox; mode: ContainerMode | null; egress: boolean } {
  const kept = base && base.runtime === runtime ? base : undefined;
  const where = sandbox ?? kept?.sandbox ?? defaultSandbox(runtime);
  if (!runsIn(runtime, where)) {
    const only = RUNTIME_SANDBOXES[runtime];
    throw new Invalid(`invalid function: ${runtime} runs in a ${only.join(' or ')} only`, [
      { path: 'sandbox', message: `${runtime} needs sandbox "${only.join('" or "')}"` },
    ]);
  }
  if (where === 'isolate') {
    if (mode) throw new Invalid('invalid function: mode applies to container functions only', [{ path: 'mode', message: 'mode needs sandbox "container"' }]);
    if (egress) {
      throw new Invalid('invalid function: an isolate has no network; egress needs a container', [
        { path: 'network.egress', message: 'egress needs sandbox "container"' },
      ]);
    }
    return { sandbox: 'isolate', mode: null, egress: false };
  }
  const wasContainer = kept?.sandbox === 'container' ? kept : undefined;
  return { sandbox: 'container', mode: mode ?? wasContainer?.mode ?? 'per-call', egress: egress ?? wasContainer?.egress ?? false };
}

/** `a/b/c` → [`a/b/c`, `a/b`, `a`]: a route also serves the paths below it. */
export function routeCandidates(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  return segments.map((_, i) => segments.slice(0, segments.length - i).join('/'));
}

export function bodyBytes(body: unknown): { payload: string | undefined; bytes: number } {
  if (body === undefined || body === null) return { payload: undefined, bytes: 0 };
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return { payload, bytes: payload.length > 0x3fffffff ? Infinity : Buffer.byteLength(payload, 'utf8') };
}

/** The stored trigger and its route (null for event and schedule triggers, which no URL serves). */
export function triggerOf(input: Trigger): { trigger: Trigger; route: string | null } {
  if (input.type === 'event') return { trigger: { type: 'event', events: input.events }, route: null };
  if (input.type === 'schedule') return { trigger: { type: 'schedule', cron: input.cron, timezone: input.timezone }, route: null };
  return { trigger: { type: 'http', route: input.route, ...(input.methods ? { methods: input.methods } : {}) }, route: input.route };
}

/** `urn:vcloud:org:<uuid>` (or a bare UUID) → the lower-case UUID. */
export const orgUuidOf = (urn: string): string => urn.slice(urn.lastIndexOf(':') + 1).toLowerCase();

/** GET .../faas/runtimes: each runtime's sandboxes, and which sandboxes run here now (all when the runtime cannot say). */
export function runtimesInfo(sandboxes: RuntimesInfo['sandboxes'] | undefined): RuntimesInfo {
  return {
    runtimes: RUNTIMES.map((runtime) => ({ runtime, sandboxes: [...RUNTIME_SANDBOXES[runtime]] })),
    sandboxes: sandboxes ?? SANDBOXES.map((sandbox) => ({ sandbox, available: true })),
  };
}
