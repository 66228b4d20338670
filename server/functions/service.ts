import type { Logger } from 'pino';
import { ActivationQuerySchema, CreateFunctionSchema, RollbackSchema, UpdateFunctionSchema } from '../../contract/functions';
import type { OrgLimits } from '../../contract/limits';
import type { ActivationView, DeadLetterView, RuntimesInfo, FunctionVersionView, FunctionView } from '../../contract/functions';
import { PageQuerySchema } from '../../contract/problem';
import type { AutoscaleHookEvent } from '../../contract/autoscale-hooks';
import { Conflict, Invalid, MethodNotAllowed, NotFound, parseOrThrow } from '../errors';
import { isUniqueViolation, type Db } from '../store/db';
import { toActivationView, type ActivationStore } from './activations';
import type { AliasRouter } from './alias-router';
import { AsyncCalls } from './async-calls';
import type { AsyncJobStore } from './async-store';
import { AsyncWorker, type AsyncWorkerOptions } from './async-worker';
import type { VcdNotification } from '../vcd/notification';
import type { FunctionEvent, HttpEvent, OrgDirectory, OrgLimitsOf, Runtime } from './ports';
import { FunctionBuilds } from './builds';
import type { RateWindows } from '../store/rate-windows';
import { FunctionCalls, type CallResult } from './calls';
import { ProductEvents } from './product-events';
import { RouteCache } from './route-cache';
import { newFunction, nextVersion, type CreateInput } from './drafts';
import { assertFree, assertRouteFree, assertUnderQuota, checkOrgLimits, checkVersion, orgUuidFor, sizing, type Caller, type FunctionLimits } from './rules';
import { RunnableVersions } from './runnable';
import type { SecretBox } from './secrets';
import type { FunctionRecord, FunctionStore, VersionRecord } from './store';
import { triggersOf } from './triggers';
import { placement, routeCandidates, runtimesInfo, toVersionView, toView } from './views';

export type { Caller, FunctionLimits } from './rules';

export interface FunctionQuotas {
  /** Functions per org (409 quota-exceeded beyond). */
  maxFunctionsPerOrg: number;
  /** Calls of an org's functions running at once on this replica (429 beyond). */
  maxConcurrentCallsPerOrg: number;
}

export interface FunctionsServiceDeps {
  store: FunctionStore;
  runtime: Runtime;
  limits: FunctionLimits;
  log: Logger;
  activations: ActivationStore;
  secrets: SecretBox;
  quotas: FunctionQuotas;
  /** A handler's response body above this many bytes answers 502 response-too-large. */
  maxResponseBytes: number;
  /** How long a replica may serve a ready function without asking the store again; 0 turns the cache off. */
  routeCacheTtlMs?: number;
  /** Finds a vCD org's UUID by name (a provider making an event function for another org). */
  orgs?: OrgDirectory;
  /** Queued (async) calls: the store they live in, its job table, and how the worker runs them. */
  db: Db;
  jobs: AsyncJobStore;
  asyncOptions: AsyncWorkerOptions;
  orgLimits?: OrgLimitsOf;
  /** Which version of an alias serves each call (canaries), and their automatic rollback. */
  aliases?: AliasRouter;
  /** Where calls per second are counted (the same on every replica on one PostgreSQL). */
  rateWindows?: RateWindows;
}

export class FunctionsService {
  private readonly routes: RouteCache;
  private readonly calls: FunctionCalls;
  private readonly builds: FunctionBuilds;
  private readonly worker: AsyncWorker;
  private readonly async: AsyncCalls;
  /** The product's own events (a budget alert) for the functions subscribed to them. */
  readonly productEvents: ProductEvents;

  constructor(private readonly deps: FunctionsServiceDeps) {
    this.routes = new RouteCache(deps.routeCacheTtlMs ?? 2000);
    const versions = new RunnableVersions(deps.secrets);
    // A vCD event reaching a function still building waits in the queue until it is ready (not dropped).
    const defer = (fn: FunctionRecord, call: { event: FunctionEvent; requestId: string }) =>
      this.async.enqueue(fn, { trigger: 'event', ...call }).then(() => undefined);
    this.calls = new FunctionCalls({ ...deps, versions, defer });
    this.productEvents = new ProductEvents({ store: deps.store, calls: this.calls, defer, log: deps.log });
    this.builds = new FunctionBuilds({ ...deps, versions, routes: this.routes });
    this.worker = new AsyncWorker({ db: deps.db, jobs: deps.jobs, store: deps.store, calls: this.calls, log: deps.log, options: deps.asyncOptions });
    this.async = new AsyncCalls({ jobs: deps.jobs, worker: this.worker, store: deps.store });
  }

  /** Starts running queued calls (after listen, on every replica). */
  startAsync(): void {
    this.worker.start();
  }

  async create(org: string, body: unknown, caller: Caller = {}): Promise<FunctionView> {
    const input = parseOrThrow(CreateFunctionSchema, body, 'invalid function');
    const orgLimits = await this.deps.orgLimits?.(org);
    const sizes = sizing(input.limits, this.deps.limits, orgLimits);
    const { orgUuid, route } = await this.checkCreate(org, input, { orgLimits, sizes, caller });
    const { secretsOpen: _, ...row } = newFunction(org, input, sizes, this.deps.secrets, orgUuid);
    let record: FunctionRecord;
    try {
      record = await this.deps.store.insert(row);
    } catch (err) {
      // A concurrent create won the race between the check and the insert.
      if (isUniqueViolation(err)) await assertFree(this.deps.store, org, input.name, route);
      throw err;
    }
    this.deps.log.info({ org, function: record.name, version: 1 }, 'function created');
    const first = await this.deps.store.getVersion(org, record.name, 1);
    if (first) this.builds.schedule(first);
    return toView(record, first);
  }

  /** A new function's checks besides its schema (limits, free name and route, destinations, quota); its org's UUID. */
  private async checkCreate(
    org: string,
    input: CreateInput,
    c: { orgLimits: OrgLimits | undefined; sizes: { memoryMb: number; timeoutMs: number }; caller: Caller },
  ): Promise<{ orgUuid: string | undefined; route: string | null }> {
    checkVersion(this.deps.limits, 'invalid function', { ...c.sizes, env: input.env ?? {}, secrets: input.secrets ?? {} });
    checkOrgLimits(c.orgLimits, { ...c.sizes, ...placement(input.runtime, input.sandbox, input.mode, undefined, input.network?.egress) });
    const { trigger, route } = triggersOf(input);
    await assertFree(this.deps.store, org, input.name, route);
    await this.async.checkDestinations(org, input.name, input.async);
    const orgUuid = await orgUuidFor(this.deps.orgs, org, trigger, c.caller);
    await assertUnderQuota(this.deps.store, org, c.orgLimits?.functions ?? this.deps.quotas.maxFunctionsPerOrg);
    return { orgUuid, route };
  }

  /** PUT: a new version from the latest one and the given fields; the serving version keeps serving until it builds. */
  async update(org: string, name: string, body: unknown, caller: Caller = {}): Promise<FunctionView> {
    const input = parseOrThrow(UpdateFunctionSchema, body, 'invalid function');
    const fn = await this.require(org, name);
    const base = (await this.deps.store.getVersion(org, name, fn.latestVersion)) ?? { ...fn, buildLog: '' };
    const { secretsOpen, ...next } = nextVersion(input, base, this.deps.secrets);
    checkVersion(this.deps.limits, 'invalid function', { ...next, secrets: secretsOpen });
    checkOrgLimits(await this.deps.orgLimits?.(org), next);
    await assertRouteFree(this.deps.store, org, next.route, name);
    if (input.async) await this.async.checkDestinations(org, name, input.async);
    const orgUuid = await orgUuidFor(this.deps.orgs, org, next.trigger, caller, fn.orgUuid);
    let version: VersionRecord | undefined;
    try {
      version = await this.deps.store.addVersion(org, name, next);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new Conflict(`function "${name}" was changed at the same time or its route is taken; try again`, [
          { path: 'trigger.route', message: 'conflicting change' },
        ]);
      }
      throw err;
    }
    if (!version) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    if (orgUuid && orgUuid !== fn.orgUuid) await this.deps.store.rememberOrgUuid(org, name, orgUuid);
    if (input.async) await this.deps.store.setAsync(org, name, input.async);
    if (input.maxConcurrency !== undefined) await this.deps.store.setMaxConcurrency(org, name, input.maxConcurrency);
    this.routes.forgetOrg(org);
    this.deps.log.info({ org, function: name, version: version.version }, 'function version created');
    this.builds.schedule(version);
    return this.get(org, name);
  }

  async rollback(org: string, name: string, body: unknown): Promise<FunctionView> {
    const { version } = parseOrThrow(RollbackSchema, body, 'invalid rollback');
    const result = await this.deps.store.rollback(org, name, version);
    if (!result.found) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    if (!result.version) {
      throw new Invalid(`function "${name}" has no version ${version}`, [{ path: 'version', message: `version ${version} does not exist` }]);
    }
    this.routes.forgetOrg(org);
    if (result.rebuild) this.builds.schedule(result.version);
    else this.deps.runtime.evict(`${org}/${name}@`);
    this.deps.log.info({ org, function: name, version, rebuild: result.rebuild }, 'function rolled back');
    return this.get(org, name);
  }

  async versions(org: string, name: string, query: unknown): Promise<{ items: FunctionVersionView[]; total: number }> {
    const page = parseOrThrow(PageQuerySchema, query, 'invalid query');
    const fn = await this.require(org, name);
    const { items, total } = await this.deps.store.listVersions(org, name, page);
    return { items: items.map((v) => toVersionView(v, fn.version)), total };
  }

  async activations(org: string, name: string, query: unknown): Promise<{ items: ActivationView[]; total: number }> {
    const filter = parseOrThrow(ActivationQuerySchema, query, 'invalid query');
    await this.require(org, name);
    const { items, total } = await this.deps.activations.list(org, name, filter);
    return { items: items.map(toActivationView), total };
  }

  async activation(org: string, id: string): Promise<ActivationView> {
    const found = await this.deps.activations.get(org, id);
    if (!found) throw new NotFound(`activation "${id}" does not exist in organization "${org}"`);
    return toActivationView(found);
  }

  async list(org: string, page: { limit: number; offset: number }): Promise<{ items: FunctionView[]; total: number }> {
    const { items, total } = await this.deps.store.listWithLatest(org, page);
    return { items: items.map(({ fn, latest }) => toView(fn, latest)), total };
  }

  async get(org: string, name: string): Promise<FunctionView> {
    const found = await this.deps.store.getWithLatest(org, name);
    if (!found) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    return toView(found.fn, found.latest);
  }

  async delete(org: string, name: string): Promise<void> {
    const deleted = await this.deps.store.delete(org, name);
    this.routes.forgetOrg(org);
    if (!deleted) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    this.deps.runtime.evict(`${org}/${name}@`);
    this.deps.runtime.prune?.(`${org}/${name}@`, []);
    await this.deps.activations.forget(org, name);
    this.deps.log.info({ org, function: name }, 'function deleted');
  }

  /** Runs the function whose route matches `path` (below /api/org/{org}/) through an alias (default live); every call leaves an activation record. */
  async invoke(org: string, path: string, event: HttpEvent, requestId: string, alias?: string): Promise<CallResult> {
    const fn = await this.routed(org, path, event);
    // Only a ready function is kept (RouteCache.set): the next calls of this path skip the store.
    this.routes.set(org, path, fn);
    return this.calls.run(fn, { trigger: 'http', event, requestId, ...(alias ? { alias } : {}) });
  }

  /** An alias changed the function's current version on this replica: its routes are read again. */
  forgetRoutes(org: string): void {
    this.routes.forgetOrg(org);
  }

  /**
   * X-Invocation-Type: Event: queues the call of the function serving `path` and answers its id at once; it runs
   * in the background with retries, and lands in the function's dead letters when every attempt failed.
   */
  async invokeAsync(org: string, path: string, event: HttpEvent, requestId: string): Promise<{ function: string; activationId: string }> {
    const fn = await this.routed(org, path, event);
    return { function: fn.name, activationId: await this.async.enqueue(fn, { trigger: 'async', event, requestId }) };
  }

  /** POST .../faas/functions/{name}/invocations: the same queued call by the function's name (AsyncCalls.byName). */
  invokeAsyncByName(org: string, name: string, event: HttpEvent, requestId: string): Promise<{ function: string; activationId: string }> {
    return this.async.byName(org, name, event, requestId);
  }

  /** An autoscale rule's lifecycle hook: the org's function by name (404 when none), its activation's trigger `hook`. */
  async invokeHook(org: string, name: string, event: AutoscaleHookEvent, requestId: string): Promise<CallResult> {
    return this.calls.run(await this.require(org, name), { trigger: 'hook', event, requestId });
  }

  deadLetters(org: string, name: string, query: unknown): Promise<{ items: DeadLetterView[]; total: number }> {
    return this.async.deadLetters(org, name, query);
  }

  redrive(org: string, name: string, id: string): Promise<{ activationId: string; status: 'queued' }> {
    return this.async.redrive(org, name, id);
  }

  deleteDeadLetter(org: string, name: string, id: string): Promise<void> {
    return this.async.deleteDeadLetter(org, name, id);
  }

  async runtimes(): Promise<RuntimesInfo> {
    return runtimesInfo(await this.deps.runtime.sandboxes?.());
  }

  /** The HTTP function serving the path and method, or 404 / 405. */
  private async routed(org: string, path: string, event: HttpEvent): Promise<FunctionRecord> {
    const fn = this.routes.get(org, path) ?? (await this.deps.store.matchRoute(org, routeCandidates(path)));
    if (!fn || fn.trigger.type !== 'http') throw new NotFound(`no function serves the route "${path}" in organization "${org}"`);
    const methods = fn.trigger.methods;
    if (methods && !methods.includes(event.method as (typeof methods)[number])) {
      throw new MethodNotAllowed(`function "${fn.name}" accepts ${methods.join(', ')}, not ${event.method}`, methods);
    }
    return fn;
  }

  /**
   * Runs every function of the notification's org subscribed to its type, once per eventId (a duplicate delivery
   * runs nothing); each run is an activation with trigger "event" and the notification as its event. Resolves when
   * the runs have finished; a failing function is recorded and logged, never thrown.
   */
  handleVcdNotification(notification: VcdNotification): Promise<void> {
    return this.calls.handleVcdNotification(notification);
  }

  /** Builds every version left initializing, e.g. by a stop during its build. */
  resumeBuilds(): Promise<number> {
    return this.builds.resume();
  }

  /** Resolves when the builds and calls started so far have finished (graceful close). */
  async settled(): Promise<void> {
    await this.worker.close();
    await Promise.all([this.builds.settled(), this.calls.settled()]);
  }

  private async require(org: string, name: string): Promise<FunctionRecord> {
    const fn = await this.deps.store.get(org, name);
    if (!fn) throw new NotFound(`function "${name}" does not exist in organization "${org}"`);
    return fn;
  }
}
