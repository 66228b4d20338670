import { ActivationFeed } from '../functions/activation-feed';
import { liveRoutes } from '../functions/live-routes';
import { ActivationStore } from '../functions/activations';
import { AliasRouter } from '../functions/alias-router';
import { aliasRoutes } from '../functions/alias-routes';
import { AliasStore } from '../functions/alias-store';
import { FunctionAliases } from '../functions/aliases';
import { AsyncJobStore } from '../functions/async-store';
import { ContainerRuntime } from '../functions/drivers/container/runtime';
import { podmanPaths } from '../functions/drivers/container/podman-service';
import { IsolateRuntime } from '../functions/drivers/isolate';
import { RuntimeSelector } from '../functions/drivers/selector';
import { notificationRoutes } from '../functions/event-routes';
import { registerFunctionLifecyclePaths } from '../functions/openapi';
import { functionsRoutes, invokeRoute } from '../functions/routes';
import { loadSecretsKey, SecretBox } from '../functions/secrets';
import { scheduleRoutes } from '../functions/schedule-history';
import { FunctionSchedules } from '../functions/schedules';
import type { ProductEvents } from '../functions/product-events';
import { FunctionsService } from '../functions/service';
import { FunctionStore } from '../functions/store';
import { functionOrgFigures } from '../functions/figures';
import { activationUsageReader, type FunctionUsageReader } from '../functions/usage';
import { createVcdOrgDirectory } from '../vcd/orgs';
import type { OrgLimitsOf } from '../functions/ports';
import type { VcdNotification } from '../vcd/notification';
import { PLATFORM_SECURITY_HEADERS } from '../functions/response-policy';
import type { ComposeContext, Mount, Part } from './part';

export interface FunctionsPart extends Part {
  service: FunctionsService;
  /** After every feature route under /api/org/{org}: a function's own route (invocation). */
  invoke: Mount['router'];
  /** Exactly the security headers every answer of a function's route carries (issue 19's response policy). */
  invokeHeaders: Readonly<Record<string, string>>;
  /** vCD's signed notifications over HTTP, mounted without a vCD session. */
  vcdRoutes: Mount[];
  /** What other features may know of function usage (showback prices it). */
  usage: FunctionUsageReader;
  /** The product's own events for the org's subscribed functions (showback's budget alerts run them). */
  alertFunctions: ProductEvents;
  /** Many orgs' functions by status and calls since a date (the provider's overview). */
  figures: ReturnType<typeof functionOrgFigures>;
  /** Builds a stopped process left half done start again (after listen); answers how many. */
  resumeBuilds(): Promise<number>;
}

/** The functions feature: store, secrets, runtimes (isolate, and Podman containers when enabled), service, routes. */
export async function composeFunctions(
  ctx: ComposeContext,
  ports: { orgLimits?: OrgLimitsOf; observeVcdEvents?: (n: VcdNotification) => void } = {},
): Promise<FunctionsPart> {
  const { config, db, log } = ctx;
  // After the store opened: PGlite initialises an empty data dir, the key file joins it afterwards.
  const secrets = new SecretBox(loadSecretsKey(config));
  const runtime = functionRuntime(config);
  const activations = await activationStore(ctx);
  const jobs = new AsyncJobStore(db);
  const schedules = scheduleTicks(ctx, jobs);
  const aliasStore = new AliasStore(db);
  const router = new AliasRouter({
    aliases: aliasStore,
    store: new FunctionStore(db),
    flush: () => activations.flush(),
    log,
    // As long as the route cache (FunctionsService): a change on another replica is seen within it.
    cacheTtlMs: 2000,
  });
  const service = functionsService(ctx, { jobs, runtime, activations, secrets, orgLimits: ports.orgLimits, aliases: router });
  const aliases = new FunctionAliases({
    aliases: aliasStore,
    store: new FunctionStore(db),
    log,
    changed: (org, name) => {
      router.forget(org, name);
      service.forgetRoutes(org);
    },
  });
  const stopping = new AbortController();
  const http = functionsHttp(ctx, service, { feed: activationFeed(ctx, activations), stopping: stopping.signal, observe: ports.observeVcdEvents });
  return {
    service,
    ...http,
    tenantRoutes: [...(http.tenantRoutes ?? []), { path: '/faas', router: aliasRoutes(aliases) }],
    drain: () => stopping.abort(),
    usage: activationUsageReader(db),
    alertFunctions: service.productEvents,
    figures: functionOrgFigures({ db, flush: () => activations.flush() }),
    resumeBuilds: () => service.resumeBuilds(),
    // Every replica runs queued calls: the store's claim (SKIP LOCKED) shares them out.
    async start() {
      service.startAsync();
      schedules.start();
    },
    async close() {
      await schedules.close();
      await service.settled();
      await router.settled();
      await activations.close();
      await runtime.close();
    },
  };
}

/** Activation records, the old ones pruned before the first call. */
async function activationStore({ config, db, log }: ComposeContext): Promise<ActivationStore> {
  const activations = new ActivationStore(
    db,
    { maxPerFunction: config.activationsMaxPerFunction, maxAgeMs: config.activationsMaxAgeHours * 3_600_000 },
    log,
  );
  await activations.pruneOld();
  return activations;
}

/** Every replica looks for due ticks: the tick's row is the claim, so each tick runs once (schedules.ts). */
function scheduleTicks({ config, db, log, clock }: ComposeContext, jobs: AsyncJobStore): FunctionSchedules {
  return new FunctionSchedules({
    db,
    jobs,
    log,
    clock: clock ?? (() => new Date()),
    options: { pollMs: config.schedulePollMs, graceMs: config.scheduleGraceMs },
  });
}

/** The isolate runtime, and Podman containers when enabled. */
function functionRuntime(config: ComposeContext['config']): RuntimeSelector {
  // Container functions start the project's Podman service (and build base images) on first use only.
  const containers =
    config.containerEngine === 'podman'
      ? new ContainerRuntime({
          paths: podmanPaths(config.containerDataDir, config.containerSocket),
          maxWarm: config.containerMaxWarm,
          maxQueue: config.containerMaxQueue,
          idleMs: config.containerIdleMs,
        })
      : undefined;
  return new RuntimeSelector(new IsolateRuntime(), containers);
}

/** The service with the config's quotas, limits and async options. */
function functionsService(
  { config, db, log, rateWindows }: ComposeContext,
  parts: { jobs: AsyncJobStore; runtime: RuntimeSelector; activations: ActivationStore; secrets: SecretBox; orgLimits?: OrgLimitsOf; aliases: AliasRouter },
): FunctionsService {
  return new FunctionsService({
    store: new FunctionStore(db),
    db,
    jobs: parts.jobs,
    asyncOptions: {
      pollMs: config.asyncPollMs,
      concurrency: config.asyncConcurrency,
      retryBaseMs: config.asyncRetryBaseMs,
      leaseGraceMs: config.asyncLeaseGraceMs,
    },
    runtime: parts.runtime,
    activations: parts.activations,
    secrets: parts.secrets,
    quotas: { maxFunctionsPerOrg: config.orgMaxFunctions, maxConcurrentCallsPerOrg: config.orgMaxConcurrentCalls },
    maxResponseBytes: config.functionMaxResponseBytes,
    limits: {
      defaultMemoryMb: config.functionDefaultMemoryMb,
      maxMemoryMb: config.functionMaxMemoryMb,
      defaultTimeoutMs: config.functionDefaultTimeoutMs,
      maxTimeoutMs: config.functionMaxTimeoutMs,
    },
    orgs: createVcdOrgDirectory({ vcdUrl: config.vcdUrl }),
    log,
    orgLimits: parts.orgLimits,
    aliases: parts.aliases,
    rateWindows,
  });
}

/**
 * Live logs' reader: polls the store by cursor (every replica sees every replica's calls). On PostgreSQL it leaves
 * rows of the last 300 ms for the next look (another replica's transaction may still commit a lower seq); PGlite is
 * one process whose writes never interleave, so it needs no settle time.
 */
function activationFeed({ config, db }: ComposeContext, activations: ActivationStore): ActivationFeed {
  return new ActivationFeed(db, () => activations.flush(), { pollMs: 250, settleMs: config.databaseUrl ? 300 : 0 });
}

/** The feature's routers and its paths in the OpenAPI document. */
function functionsHttp(
  { config, db }: ComposeContext,
  service: FunctionsService,
  live: { feed: ActivationFeed; stopping: AbortSignal; observe?: (n: VcdNotification) => void },
): Pick<FunctionsPart, 'tenantRoutes' | 'invoke' | 'invokeHeaders' | 'vcdRoutes' | 'openApiPaths'> {
  return {
    tenantRoutes: [
      { path: '/faas', router: liveRoutes({ ...live, requireFunction: (org, name) => service.get(org, name) }) },
      { path: '/faas', router: functionsRoutes(service) },
      { path: '/faas', router: scheduleRoutes(db) },
    ],
    invoke: invokeRoute(service),
    invokeHeaders: PLATFORM_SECURITY_HEADERS,
    vcdRoutes: [{ path: '/notifications', router: notificationRoutes({ functions: service, sharedSecret: config.extensionSharedSecret, observe: live.observe }) }],
    openApiPaths: registerFunctionLifecyclePaths,
  };
}
