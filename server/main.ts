import type { AddressInfo } from 'node:net';
import pino, { type DestinationStream } from 'pino';
import { loadConfig, transportOf, type Config } from './config';
import { ActivationStore } from './functions/activations';
import { ContainerRuntime } from './functions/drivers/container/runtime';
import { podmanPaths } from './functions/drivers/container/podman-service';
import { IsolateRuntime } from './functions/drivers/isolate';
import { RuntimeSelector } from './functions/drivers/selector';
import { loadSecretsKey, SecretBox } from './functions/secrets';
import { FunctionsService } from './functions/service';
import { FunctionStore } from './functions/store';
import { createApp } from './http/app';
import type { Db } from './store/db';
import { openPgDb } from './store/drivers/pg';
import { openPgliteDb } from './store/drivers/pglite';
import { migrate } from './store/migrate';
import { postgresLease, soleLease } from './store/lease';
import { createVcdClient } from './vcd/client';
import { createVcdInfra } from './vcd/infra';
import { createVcdOrgDirectory } from './vcd/orgs';
import { AutoscaleService } from './autoscale/service';
import { ScaleExecutor } from './autoscale/executor';
import { MetricPoller } from './autoscale/poller';
import { SnmpAlertReceiver } from './autoscale/snmp-receiver';
import { RuleStore } from './autoscale/store';
import { Collector } from './showback/collector';
import { ActivationUsageSource, FaasBillingSource } from './showback/drivers/faas-usage';
import { HttpBillingSource } from './showback/drivers/http-source';
import { MeteredBillingSource } from './showback/drivers/metered-source';
import { VcdUsageBillingSource } from './showback/drivers/vcd-usage';
import { createServiceAccountUsage, createVcdUsageReader } from './vcd/usage';
import { ShowbackQueries } from './showback/queries';
import { RateCardStore } from './showback/ratecard';
import { ExtensionBridge } from './transport/amqp/extension-bridge';
import { NotificationConsumer } from './transport/amqp/notification-consumer';
import { composeMqtt } from './transport/mqtt/compose';
import { trustVcdForFetch, vcdTls } from './transport/mqtt/tls';

export type { Config } from './config';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function openDb(config: Config): Promise<Db> {
  return config.databaseUrl ? openPgDb({ databaseUrl: config.databaseUrl }) : openPgliteDb({ dataDir: config.dataDir });
}

/** Composition root: config → store → drivers → services → http. The only place that constructs drivers. */
export async function startServer(overrides: Partial<Config> = {}, options: { logStream?: DestinationStream } = {}): Promise<RunningServer> {
  const config = loadConfig(process.env, overrides);
  const logOptions = { level: config.logLevel, base: { service: 'vcd-serverless' }, redact: ['req.headers.authorization'] };
  const log = options.logStream ? pino(logOptions, options.logStream) : pino(logOptions);
  // vCD's certificate: the system's CAs, VCD_CA_FILE, or (said loudly) VCD_INSECURE_TLS=1; for fetch and the bus alike.
  const tls = vcdTls({ caFile: config.vcdCaFile, insecure: config.vcdInsecureTls }, (line) => log.warn(line));
  trustVcdForFetch(config.vcdUrl, tls);

  const db = await openDb(config);
  // After the store opened: PGlite initialises an empty data dir, the key file joins it afterwards.
  const secrets = new SecretBox(loadSecretsKey(config));
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
  const runtime = new RuntimeSelector(new IsolateRuntime(), containers);
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ migrations: applied }, 'store migrated');
  } catch (err) {
    await runtime.close();
    await db.close();
    throw err;
  }

  const activations = new ActivationStore(
    db,
    { maxPerFunction: config.activationsMaxPerFunction, maxAgeMs: config.activationsMaxAgeHours * 3_600_000 },
    log,
  );
  await activations.pruneOld();
  const functions = new FunctionsService({
    store: new FunctionStore(db),
    runtime,
    activations,
    secrets,
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
  });

  // FaaS usage meets showback here, through a port over the activations table; vCD usage through a service account.
  const rateCard = new RateCardStore(db);
  const faas = new FaasBillingSource({ usage: new ActivationUsageSource(db), rateCard });
  const metered = config.showbackAmqpUrl ? new MeteredBillingSource({ url: config.showbackAmqpUrl, rateCard, log }) : undefined;
  const { showbackVcdUser: usageUser, showbackVcdPassword: usagePassword } = config;
  const vcdUsage =
    usageUser && usagePassword
      ? new VcdUsageBillingSource({
          db,
          rateCard,
          inventory: createServiceAccountUsage({
            reader: createVcdUsageReader({ vcdUrl: config.vcdUrl }),
            login: () => createVcdInfra({ vcdUrl: config.vcdUrl }).login(usageUser, usagePassword),
          }),
        })
      : undefined;
  const http = new HttpBillingSource({
    allowedHosts: [new URL(config.vcdUrl).host, ...config.showbackHttpAllowedHosts.split(',')],
    maxBytes: config.showbackHttpMaxBytes,
    timeoutMs: config.showbackHttpTimeoutMs,
  });
  const collector = new Collector({ db, drivers: { http, faas, metered, vcd: vcdUsage }, log, retryBaseMs: config.showbackRetryBaseMs });
  const showback = { db, queries: new ShowbackQueries(db), collector, rateCard };
  const vcdInfra = createVcdInfra({ vcdUrl: config.vcdUrl });
  const rules = new RuleStore(db);
  const scaler = new ScaleExecutor({ db, rules, vcd: vcdInfra, log, retries: config.autoscaleRetries, retryBaseMs: config.autoscaleRetryBaseMs });
  const autoscale = new AutoscaleService({ store: rules, vcd: vcdInfra, executor: scaler, log });
  const { autoscaleVcdUser: pollUser, autoscaleVcdPassword: pollPassword } = config;
  const poller = pollUser && pollPassword ? new MetricPoller({ db, rules, service: autoscale, login: () => vcdInfra.login(pollUser, pollPassword), log }) : undefined;
  // vROps traps carry no tenant session: they are evaluated with the same service account as the poller.
  const { autoscaleSnmpPort: trapPort, autoscaleSnmpCommunity: community } = config;
  const traps =
    trapPort && community && pollUser && pollPassword
      ? new SnmpAlertReceiver({
          port: trapPort,
          address: config.autoscaleSnmpAddress,
          community,
          onAlert: async (alert) => {
            await autoscale.receiveUnscopedAlert(alert, () => vcdInfra.login(pollUser, pollPassword));
          },
          log,
        })
      : undefined;

  const app = createApp({
    log,
    vcd: createVcdClient({ vcdUrl: config.vcdUrl }),
    functions,
    showback,
    autoscale,
    checkReady: async () => {
      await db.query('SELECT 1');
    },
    sharedSecret: config.extensionSharedSecret,
    sessionCacheTtlMs: config.sessionCacheTtlMs,
    bodyLimitBytes: config.bodyLimitBytes,
    orgRateLimitPerMinute: config.orgRateLimitPerMinute,
  });

  // vCD's API extension over RabbitMQ: the same app, dispatched in process.
  const transport = transportOf(config);
  const bridge = transport === 'amqp' && config.amqpUrl
    ? new ExtensionBridge({
        url: config.amqpUrl,
        connectionName: config.amqpConnectionName,
        exchange: config.amqpExchange,
        queue: config.amqpQueue,
        routingKey: config.amqpRoutingKey,
        prefetch: config.amqpPrefetch,
        handler: app,
        log,
      })
    : undefined;
  // vCD's notifications (VCD-WIRE §4) feed FaaS event triggers; the replicas share one queue.
  const notifications = transport === 'amqp' && config.amqpUrl
    ? new NotificationConsumer({
        url: config.amqpUrl,
        connectionName: config.amqpConnectionName,
        exchange: config.amqpNotificationsExchange,
        queue: config.amqpNotificationsQueue,
        handle: (n) => functions.handleVcdNotification(n),
        log,
      })
    : undefined;

  // --- vCD's MQTT bus (issue 12): the external service, events and metrics; VCD_TRANSPORT=mqtt, the default. ---
  const mqttBus =
    transport === 'mqtt'
      ? composeMqtt({
          config,
          log,
          db,
          app,
          tls,
          onNotification: (n) => functions.handleVcdNotification(n),
          autoscale: { service: autoscale, rules },
          login: (user, password) => vcdInfra.login(user, password),
        })
      : undefined;
  // --- end of vCD's MQTT bus ---

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const resumed = await functions.resumeBuilds();
  await scaler.loadOrphans();
  // Scheduled work runs on one replica: the holder of the PostgreSQL lease (always this process on PGlite).
  let collectorStarted = false;
  const onAcquired = async () => {
    poller?.start();
    if (!collectorStarted) {
      collectorStarted = true;
      await collector.start();
    }
  };
  // TODO(replicas): showback schedules stay on a replica that lost the lease (the collector cannot pause); its runs are idempotent by natural key.
  const lease = config.databaseUrl
    ? postgresLease({ databaseUrl: config.databaseUrl, name: 'vcd-serverless:scheduled-work', log, onAcquired, onLost: () => poller?.close() })
    : soleLease({ onAcquired });
  await lease.start();
  traps?.start();
  await bridge?.start();
  await notifications?.start();
  await mqttBus?.start();
  log.info({ url, store: config.databaseUrl ? 'postgresql' : 'pglite', transport, resumedBuilds: resumed }, 'backend listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        await mqttBus?.close();
        await bridge?.close();
        await notifications?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await lease.close();
        await collector.close();
        await poller?.close();
        await traps?.close();
        await scaler.close();
        await metered?.close();
        await functions.settled();
        await activations.close();
        await runtime.close();
        await db.close();
        log.info('backend stopped');
      })();
      return closing;
    },
  };
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
