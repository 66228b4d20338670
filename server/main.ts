import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, RequestHandler } from 'express';
import pino, { type DestinationStream } from 'pino';
import { composeAudit } from './compose/audit';
import { composeAutoscale } from './compose/autoscale';
import { spendPortOf } from './compose/autoscale-budget';
import { hookFunctionsOf } from './compose/autoscale-hooks';
import { composeFunctions, type FunctionsPart } from './compose/functions';
import { composeLimits } from './compose/limits';
import type { ComposeContext, Part } from './compose/part';
import { composeProvider } from './compose/provider';
import { composeShowback } from './compose/showback';
import { openRateWindows, openStore, scheduledWorkLease } from './compose/store';
import { composeTransport } from './compose/transport';
import { loadConfig, transportOf, type Config } from './config';
import { createApp } from './http/app';
import type { Principal } from './http/auth';
import { SessionCache } from './http/session-cache';
import { createVcdClient } from './vcd/client';
import { trustVcdForFetch, vcdTls } from './transport/mqtt/tls';
import type { VcdNotification } from './vcd/notification';

export type { Config } from './config';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Composition root: config → store → features → http → transports. The only place that wires features together
 * (they meet through ports: showback prices the functions feature's usage reader); each feature is built by its
 * compose function in server/compose/, which is where drivers are constructed.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  options: { logStream?: DestinationStream; clock?: () => Date } = {},
): Promise<RunningServer> {
  const config = loadConfig(process.env, overrides);
  const logOptions = { level: config.logLevel, base: { service: 'vcd-serverless' }, redact: ['req.headers.authorization'] };
  const log = options.logStream ? pino(logOptions, options.logStream) : pino(logOptions);
  // vCD's certificate: the system's CAs, VCD_CA_FILE, or (said loudly) VCD_INSECURE_TLS=1; for fetch and the bus alike.
  const tls = vcdTls({ caFile: config.vcdCaFile, insecure: config.vcdInsecureTls }, (line) => log.warn(line));
  trustVcdForFetch(config.vcdUrl, tls);

  const db = await openStore(config, log);
  const ctx = { config, db, log, clock: options.clock, rateWindows: openRateWindows(config, db, log) };
  // Validated bearer tokens; vCD's events (logout, a disabled user, a changed role) end an entry before its TTL.
  const sessions = new SessionCache<Principal>(config.sessionCacheTtlMs);
  const observeVcdEvents = (n: VcdNotification) => void sessions.forgetOn(n);
  const { features, functions, audit, autoscale, showback, provider } = await composeFeatures(ctx, { observeVcdEvents });

  const app = httpApp(ctx, { features, functions, tenantMiddleware: [audit.trail], sessions });
  // How vCD reaches the backend (VCD_TRANSPORT; default its MQTT bus): the same app, dispatched in process; vCD's
  // notifications feed FaaS event triggers, its pushed metrics autoscale.
  const transport = composeTransport(ctx, {
    app,
    tls,
    onNotification: (n) => {
      observeVcdEvents(n);
      return functions.service.handleVcdNotification(n);
    },
    onMetrics: (m) => autoscale.pushMetrics(m),
  });

  const { server, url, port } = await listen(app, config);
  const resumed = await functions.resumeBuilds();
  for (const f of features) await f.start?.();
  const lease = featuresLease(ctx, features);
  await lease.start();
  await transport.start();
  log.info({ url, store: config.databaseUrl ? 'postgresql' : 'pglite', transport: transportOf(config), resumedBuilds: resumed }, 'backend listening');

  let closing: Promise<void> | undefined;
  const stop = async () => {
    await transport.close();
    for (const f of features) f.drain?.();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await lease.close();
    // Scheduled work (showback, autoscale) stops before the function runtimes do; the store closes last.
    for (const f of [audit, provider, showback, autoscale, functions]) await f.close();
    await db.close();
    log.info('backend stopped');
  };
  return { url, port, close: () => (closing ??= stop()) };
}

/**
 * Every feature, wired to the others through ports: the provider's per-org limits (enforced by functions and
 * autoscale), the functions' usage (priced by showback), the figures the provider's overview shows.
 */
export async function composeFeatures(ctx: ComposeContext, hooks: { observeVcdEvents?: (n: VcdNotification) => void } = {}) {
  const audit = composeAudit(ctx);
  const limits = composeLimits(ctx, { onChange: audit.limitsChanged });
  const functions = await composeFunctions(ctx, { orgLimits: limits.orgLimits, observeVcdEvents: hooks.observeVcdEvents });
  const showback = composeShowback(ctx, { functionUsage: functions.usage, alertFunctions: functions.alertFunctions });
  const autoscale = composeAutoscale(ctx, { maxVmsOf: limits.maxVmsOf, hookFunctions: hookFunctionsOf(functions.service), spend: spendPortOf(showback.service) });
  const provider = composeProvider(ctx, { showback: showback.service, functionFigures: functions.figures, limits: limits.service });
  const features: Part[] = [functions, showback, autoscale, provider, audit];
  return { features, functions, audit, autoscale, showback, provider };
}

/** The HTTP app with every feature's routers; a function's own route comes after all of them. */
function httpApp(
  { config, db, log, rateWindows }: ComposeContext,
  { features, functions, tenantMiddleware, sessions }: { features: Part[]; functions: FunctionsPart; tenantMiddleware: RequestHandler[]; sessions: SessionCache<Principal> },
): Express {
  return createApp({
    log,
    vcd: createVcdClient({ vcdUrl: config.vcdUrl }),
    tenantMiddleware,
    tenantRoutes: features.flatMap((f) => f.tenantRoutes ?? []),
    tenantFallback: functions.invoke,
    tenantFallbackHeaders: functions.invokeHeaders,
    vcdRoutes: functions.vcdRoutes,
    openApiPaths: features.flatMap((f) => (f.openApiPaths ? [f.openApiPaths] : [])),
    checkReady: async () => {
      await db.query('SELECT 1');
    },
    sharedSecret: config.extensionSharedSecret,
    sessionCacheTtlMs: config.sessionCacheTtlMs,
    sessions,
    bodyLimitBytes: config.bodyLimitBytes,
    orgRateLimitPerMinute: config.orgRateLimitPerMinute,
    rateWindows,
  });
}

/** The scheduled-work lease: the features hear when this replica acquires or loses it. */
function featuresLease({ config, log }: ComposeContext, features: Part[]): ReturnType<typeof scheduledWorkLease> {
  return scheduledWorkLease(config, log, {
    onAcquired: async () => {
      for (const f of features) await f.onLeaseAcquired?.();
    },
    onLost: async () => {
      for (const f of features) await f.onLeaseLost?.();
    },
  });
}

/** Listens on config.host:config.port (0 = any free port) and says where. */
async function listen(app: Express, config: Config): Promise<{ server: Server; url: string; port: number }> {
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { server, url: `http://${host}:${port}`, port };
}

if (require.main === module) {
  startServer().then(
    (running) => {
      const stop = () => {
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`backend failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
