import type { Trigger } from '../../contract/functions';
import type { OrgLimits } from '../../contract/limits';
import { Conflict, Invalid, QuotaExceeded, type FieldError } from '../errors';
import type { OrgDirectory } from './ports';
import type { FunctionStore } from './store';
import { orgUuidOf } from './views';

/** What every new version must satisfy besides its schema: provider limits, free names and routes, a known org. */

export interface FunctionLimits {
  defaultMemoryMb: number;
  maxMemoryMb: number;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Who makes or changes a function: the vCD org UUID of their own session when it is the function's org, and their token. */
export interface Caller {
  orgUuid?: string;
  token?: string;
}

/** Limits within the provider maxima; env and secrets not sharing a name. */
export function checkVersion(
  limits: FunctionLimits,
  what: string,
  v: { memoryMb: number; timeoutMs: number; env: Record<string, string>; secrets: Record<string, string> },
): void {
  const errors: FieldError[] = [];
  if (v.memoryMb > limits.maxMemoryMb) errors.push({ path: 'limits.memoryMb', message: `at most ${limits.maxMemoryMb} MB` });
  if (v.timeoutMs > limits.maxTimeoutMs) errors.push({ path: 'limits.timeoutMs', message: `at most ${limits.maxTimeoutMs} ms` });
  for (const key of Object.keys(v.secrets)) {
    if (key in v.env) errors.push({ path: `secrets.${key}`, message: `"${key}" is also an env entry; names must differ` });
  }
  if (errors.length) throw new Invalid(`${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}

/** 409 when the route is served by another function than `self` (none for a new function). */
export async function assertRouteFree(store: Pick<FunctionStore, 'getByRoute'>, org: string, route: string | null, self?: string): Promise<void> {
  const owner = route === null ? undefined : await store.getByRoute(org, route);
  if (owner && owner.name !== self) {
    throw new Conflict(`the route "${route}" is already served by function "${owner.name}"`, [
      { path: 'trigger.route', message: `"${route}" is taken by function "${owner.name}"` },
    ]);
  }
}

/** 409 when the name or the route of a new function is taken. */
export async function assertFree(store: Pick<FunctionStore, 'get' | 'getByRoute'>, org: string, name: string, route: string | null): Promise<void> {
  if (await store.get(org, name)) {
    throw new Conflict(`a function named "${name}" already exists`, [{ path: 'name', message: `"${name}" is taken` }]);
  }
  await assertRouteFree(store, org, route);
}

/**
 * The vCD org UUID to keep on a function: the caller's own when the function is in their org; for a provider
 * making an event function for another org, looked up in vCD. Event triggers need it; others keep what is known.
 */
export async function orgUuidFor(
  orgs: OrgDirectory | undefined,
  org: string,
  trigger: Trigger,
  caller: Caller,
  known?: string | null,
): Promise<string | undefined> {
  if (caller.orgUuid) return orgUuidOf(caller.orgUuid);
  if (known || trigger.type !== 'event') return known ?? undefined;
  const found = caller.token && orgs ? await orgs.orgUuid(org, caller.token) : undefined;
  if (!found) {
    throw new Invalid(`organization "${org}" was not found in vCD, so no vCD notification can be matched to it`, [
      { path: 'trigger.events', message: `organization "${org}" is unknown to vCD` },
    ]);
  }
  return orgUuidOf(found);
}

/** The org's quota of functions: a create past it is refused, naming the quota. */
export async function assertUnderQuota(store: Pick<FunctionStore, 'count'>, org: string, max: number): Promise<void> {
  if ((await store.count(org)) < max) return;
  throw new QuotaExceeded(`organization "${org}" has reached its quota of ${max} functions (its "functions" limit); delete one to create another`, [
    { path: 'name', message: `the organization's quota of ${max} functions is used up` },
  ]);
}

/** PUT's secrets on top of the current ones: a value sets or replaces one, null removes it, others are kept. */
export function patchSecrets(current: Record<string, string>, patch: Record<string, string | null> | undefined): Record<string, string> {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

export { checkOrgLimits } from './org-limits';

/** Memory and timeout of a version: as asked, else the configured defaults, never over the org's limits. */
export function sizing(asked: { memoryMb?: number; timeoutMs?: number } | undefined, limits: FunctionLimits, org?: OrgLimits): { memoryMb: number; timeoutMs: number } {
  return {
    memoryMb: asked?.memoryMb ?? Math.min(limits.defaultMemoryMb, org?.memoryMb ?? Infinity),
    timeoutMs: asked?.timeoutMs ?? Math.min(limits.defaultTimeoutMs, org?.timeoutMs ?? Infinity),
  };
}
