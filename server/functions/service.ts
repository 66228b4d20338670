import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { CreateFunctionSchema, type FunctionView } from '../../contract/functions';
import { Conflict, Invalid, MethodNotAllowed, NotFound, NotReady, parseOrThrow, type FieldError } from '../errors';
import { isUniqueViolation } from '../store/db';
import type { FunctionVersion, HttpEvent, InvokeResult, Runtime } from './ports';
import { RouteCache } from './route-cache';
import type { FunctionRecord, FunctionStore } from './store';

export interface FunctionLimits {
  defaultMemoryMb: number;
  maxMemoryMb: number;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

export interface FunctionsServiceDeps {
  store: FunctionStore;
  runtime: Runtime;
  limits: FunctionLimits;
  log: Logger;
  /** How long a replica may serve a ready function without asking the store again; 0 turns the cache off. */
  routeCacheTtlMs?: number;
}

export function toView(r: FunctionRecord): FunctionView {
  return {
    name: r.name,
    org: r.org,
    runtime: r.runtime,
    code: r.code,
    trigger: r.trigger as FunctionView['trigger'],
    limits: { memoryMb: r.memoryMb, timeoutMs: r.timeoutMs },
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
    url: `/api/org/${r.org}/${r.route}`,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
    latestVersion: r.version,
    buildLog: '',
    env: {},
    secretNames: [],
  };
}

/** The warm-instance key: org, name, version and a hash of what runs, so replaced code never reuses an isolate. */
export function versionOf(r: FunctionRecord): FunctionVersion {
  const digest = createHash('sha256').update(`${r.code}\0${r.memoryMb}\0${r.timeoutMs}`).digest('hex').slice(0, 16);
  return { key: `${r.org}/${r.name}@${r.version}:${digest}`, name: r.name, code: r.code, memoryMb: r.memoryMb, timeoutMs: r.timeoutMs };
}

/** `a/b/c` → [`a/b/c`, `a/b`, `a`]: a route also serves the paths below it. */
function routeCandidates(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  return segments.map((_, i) => segments.slice(0, segments.length - i).join('/'));
}

export class FunctionsService {
  private readonly builds = new Set<Promise<void>>();
  private readonly routes: RouteCache;

  constructor(private readonly deps: FunctionsServiceDeps) {
    this.routes = new RouteCache(deps.routeCacheTtlMs ?? 2000);
  }

  async create(org: string, body: unknown): Promise<FunctionView> {
    const input = parseOrThrow(CreateFunctionSchema, body, 'invalid function');
    const { limits } = this.deps;
    const memoryMb = input.limits?.memoryMb ?? limits.defaultMemoryMb;
    const timeoutMs = input.limits?.timeoutMs ?? limits.defaultTimeoutMs;
    const errors: FieldError[] = [];
    if (memoryMb > limits.maxMemoryMb) errors.push({ path: 'limits.memoryMb', message: `at most ${limits.maxMemoryMb} MB` });
    if (timeoutMs > limits.maxTimeoutMs) errors.push({ path: 'limits.timeoutMs', message: `at most ${limits.maxTimeoutMs} ms` });
    if (errors.length) throw new Invalid(`invalid function: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);

    const route = input.trigger.route;
    await this.assertFree(org, input.name, route);
    let record: FunctionRecord;
    try {
      record = await this.deps.store.insert({
        org,
        name: input.name,
        runtime: input.runtime,
        code: input.code,
        trigger: { type: 'http', route, ...(input.trigger.methods ? { methods: input.trigger.methods } : {}) },
        route,
        memoryMb,
        timeoutMs,
      });
    } catch (err) {
      // A concurrent create won the race between the check and the insert.
      if (isUniqueViolation(err)) await this.assertFree(org, input.name, route);
      throw err;
    }
    this.deps.log.info({ org, function: record.name }, 'function created');
    this.scheduleBuild(record);
    return toView(record);
  }

  async list(org: string, page: { limit: number; offset: number }): Promise<{ items: FunctionView[]; total: number }> {
    const { items, total } = await this.deps.store.list(org, page);
    return { items: items.map(toView), total };
  }

  async get(org: string, name: string): Promise<FunctionView> {
    return toView(await this.require(org, name));
  }

  async delete(org: string, name: string): Promise<void> {
    const deleted = await this.deps.store.delete(org, name);
    this.routes.forgetOrg(org);
    if (!deleted) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    this.deps.runtime.evict(`${org}/${name}@`);
    this.deps.log.info({ org, function: name }, 'function deleted');
  }

  /** Runs the function whose route matches `path` (below /api/org/{org}/). */
  async invoke(org: string, path: string, event: HttpEvent, requestId: string): Promise<InvokeResult & { function: string }> {
    const fn = this.routes.get(org, path) ?? (await this.deps.store.matchRoute(org, routeCandidates(path)));
    if (!fn) throw new NotFound(`no function serves the route "${path}" in organization "${org}"`);
    const methods = fn.trigger.methods;
    if (methods && !methods.includes(event.method)) {
      throw new MethodNotAllowed(`function "${fn.name}" accepts ${methods.join(', ')}, not ${event.method}`, methods);
    }
    if (fn.status !== 'ready') {
      const why = fn.status === 'failed' ? `failed to build: ${fn.error?.message ?? 'unknown error'}` : 'is still initializing';
      throw new NotReady(`function "${fn.name}" ${why}`);
    }
    this.routes.set(org, path, fn);
    const result = await this.deps.runtime.invoke(versionOf(fn), event, { org, functionName: fn.name, requestId });
    if (result.logs.length) this.deps.log.debug({ org, function: fn.name, requestId, logs: result.logs }, 'function console');
    return { ...result, function: fn.name };
  }

  /** Builds every function left initializing, e.g. by a stop during its build. */
  async resumeBuilds(): Promise<number> {
    const pending = await this.deps.store.listInitializing();
    for (const fn of pending) this.scheduleBuild(fn);
    return pending.length;
  }

  /** Resolves when the builds started so far have finished (graceful close). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.builds]);
  }

  private async require(org: string, name: string): Promise<FunctionRecord> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    return fn;
  }

  private async assertFree(org: string, name: string, route: string): Promise<void> {
    if (await this.deps.store.get(org, name)) {
      throw new Conflict(`a function named "${name}" already exists`, [{ path: 'name', message: `"${name}" is taken` }]);
    }
    const owner = await this.deps.store.getByRoute(org, route);
    if (owner) {
      throw new Conflict(`the route "${route}" is already served by function "${owner.name}"`, [
        { path: 'trigger.route', message: `"${route}" is taken by function "${owner.name}"` },
      ]);
    }
  }

  private scheduleBuild(fn: FunctionRecord): void {
    const build = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.build(fn))
      .catch((err) => this.deps.log.error({ err, org: fn.org, function: fn.name }, 'function build crashed'))
      .finally(() => this.builds.delete(build));
    this.builds.add(build);
  }

  private async build(fn: FunctionRecord): Promise<void> {
    const result = await this.deps.runtime.build(versionOf(fn));
    const outcome = result.ok ? { status: 'ready' as const } : { status: 'failed' as const, error: result.error };
    const recorded = await this.deps.store.finishBuild(fn, outcome);
    this.routes.forgetOrg(fn.org);
    if (recorded) {
      this.deps.log.info({ org: fn.org, function: fn.name, status: outcome.status, error: outcome.error?.message }, 'function built');
    }
  }
}
