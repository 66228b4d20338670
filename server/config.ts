import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** "1048576", "512kb" or "1mb" → bytes. */
const ByteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+\s*(b|kb|mb)?$/i, 'a size in bytes, e.g. 1048576, 512kb or 1mb')
    .transform((s) => {
      const [, n, unit] = /^(\d+)\s*(b|kb|mb)?$/i.exec(s) as RegExpExecArray;
      const factor = { b: 1, kb: 1024, mb: 1024 * 1024 }[(unit ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
      return Number(n) * factor;
    }),
]);

export const ConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8089),
    /** Embedded PGlite data directory; used when databaseUrl is not set. */
    dataDir: z.string().min(1).default('.data/backend'),
    /** PostgreSQL connection string; when set, the backend uses it instead of PGlite. */
    databaseUrl: z.string().url().optional(),
    /** Connections each replica opens to PostgreSQL at most (its pool); mind PostgreSQL's max_connections across replicas. */
    databasePoolMax: z.coerce.number().int().min(1).max(1000).default(10),
    /** RabbitMQ for showback's metered custom services (amqp://user:pass@host:port); without it they are not offered. */
    showbackAmqpUrl: z.string().url().optional(),
    /** A failed showback run is retried this long after, doubling per attempt (3 retries). */
    showbackRetryBaseMs: z.coerce.number().int().min(1).default(30_000),
    /** A vCD user (administrator@System, or user@org for its own org only) for showback's vCD usage collector; without it no "vcd" sources. */
    showbackVcdUser: z.string().min(3).optional(),
    showbackVcdPassword: z.string().min(1).optional(),
    /** Hosts (host or host:port, "*.example.com") HTTP billing sources may call, comma separated; vCD's own host always may. */
    showbackHttpAllowedHosts: z.string().default(''),
    /** An HTTP billing source's answer larger than this fails the run; it must answer within the timeout. */
    showbackHttpMaxBytes: ByteSize.default(20 * 1024 * 1024),
    showbackHttpTimeoutMs: z.coerce.number().int().min(100).default(30_000),
    /** Hosts (same syntax as showbackHttpAllowedHosts) budget alert webhooks may be sent to; empty = no webhooks. */
    showbackWebhookAllowedHosts: z.string().default(''),
    /** A failed webhook delivery is retried this long after, doubling, 5 attempts in all. */
    showbackWebhookRetryBaseMs: z.coerce.number().int().min(1).default(30_000),
    /** When the budget check runs besides after each collector run (cron, UTC). */
    showbackBudgetCheckSchedule: z.string().min(1).default('*/15 * * * *'),
    vcdUrl: z.string().url().default('http://127.0.0.1:8088'),
    /** A vCD user (user@org; administrator@System sees every org) for autoscale's metric poller; without it rules act on alerts only. */
    autoscaleVcdUser: z.string().min(3).optional(),
    autoscaleVcdPassword: z.string().min(1).optional(),
    /** Retries of a scale action vCD failed (task error, vCD unreachable), after AUTOSCALE_RETRY_BASE_MS, then twice that. */
    autoscaleRetries: z.coerce.number().int().min(0).max(10).default(2),
    autoscaleRetryBaseMs: z.coerce.number().int().min(1).default(5000),
    /** UDP port for vROps SNMP traps (VMWARE-VCOPS-EVENT-MIB); 0 = no trap receiver. Needs the autoscale vCD user. */
    autoscaleSnmpPort: z.coerce.number().int().min(0).max(65535).default(0),
    autoscaleSnmpAddress: z.string().min(1).default('127.0.0.1'),
    /** SNMPv2c community the traps must carry. */
    autoscaleSnmpCommunity: z.string().min(1).optional(),
    /** RabbitMQ the provider points vROps (or a bridge) at for autoscale alerts; absent = off. Needs the autoscale vCD user. */
    autoscaleAlertsAmqpUrl: z.string().url().optional(),
    autoscaleAlertsQueue: z.string().min(1).max(255).default('vcd-serverless.autoscale.alerts'),
    /** The provider's vROps (https://host, its suite-api under /suite-api) for rules' custom groups; absent = no groups. */
    vropsUrl: z.string().url().optional(),
    /** The vROps account the backend acquires suite-api tokens with, and its auth source (absent = a local user). */
    vropsUser: z.string().min(1).optional(),
    vropsPassword: z.string().min(1).optional(),
    vropsAuthSource: z.string().min(1).optional(),
    /** HMAC key for X-VCloud-Context-Signature; without it forwarded security contexts are never trusted. */
    extensionSharedSecret: z.string().min(1).optional(),
    sessionCacheTtlMs: z.coerce.number().int().min(0).default(30_000),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    functionDefaultMemoryMb: z.coerce.number().int().min(8).default(64),
    functionMaxMemoryMb: z.coerce.number().int().min(8).default(128),
    functionDefaultTimeoutMs: z.coerce.number().int().min(10).default(3000),
    functionMaxTimeoutMs: z.coerce.number().int().min(10).default(10_000),
    bodyLimitBytes: ByteSize.default(1024 * 1024),
    /** Requests per org and minute in one replica (429 past it); 0 = no limit. */
    orgRateLimitPerMinute: z.coerce.number().int().min(0).default(6000),
    /** A handler's response body above this answers 502 (response-too-large). */
    functionMaxResponseBytes: ByteSize.default(1024 * 1024),
    /** Functions an org may have (409 quota-exceeded beyond). */
    orgMaxFunctions: z.coerce.number().int().min(1).default(100),
    /** Calls of an org's functions running at once on a replica (429 with Retry-After beyond). */
    orgMaxConcurrentCalls: z.coerce.number().int().min(1).default(50),
    /** How soon a replica sees the provider's per-org limits changed on another replica (its own changes at once). */
    limitsCacheTtlMs: z.coerce.number().int().min(0).max(60_000).default(2000),
    /** Audit log entries are kept this many days. */
    auditRetentionDays: z.coerce.number().int().min(1).default(365),
    /** Activation records kept per function (the newest) and at most this old. */
    activationsMaxPerFunction: z.coerce.number().int().min(1).default(1000),
    activationsMaxAgeHours: z.coerce.number().positive().default(7 * 24),
    /** AES-256-GCM key for function secrets, 32 bytes in base64; when absent, <dataDir>/secrets.key (made once, 0600). */
    /** Runs container functions (python3, sandbox "container") with the project's Podman; off refuses them (503). */
    containerEngine: z.enum(['podman', 'off']).default('podman'),
    /** Podman's storage and API socket live here (default .data/podman; the socket <dir>/podman.sock). */
    containerDataDir: z.string().min(1).default('.data/podman'),
    containerSocket: z.string().min(1).optional(),
    /** Warm containers per function version at most, calls queued for them at most (429 beyond). */
    containerMaxWarm: z.coerce.number().int().min(1).default(4),
    containerMaxQueue: z.coerce.number().int().min(0).default(16),
    /** A warm container idle this long is removed (scale to zero). */
    containerIdleMs: z.coerce.number().int().min(100).default(60_000),
    /** Queued (async) calls: a replica looks at the queue this often, runs this many at once, retries after base × 2^n. */
    asyncPollMs: z.coerce.number().int().min(10).default(500),
    asyncConcurrency: z.coerce.number().int().min(1).default(16),
    asyncRetryBaseMs: z.coerce.number().int().min(0).default(10_000),
    /** A claimed call's lease outlasts the function's timeout by this: then a dead replica's call is claimed again. */
    asyncLeaseGraceMs: z.coerce.number().int().min(100).default(30_000),
    /** Schedule triggers: a replica looks for due ticks this often; a tick found later than the grace is reported missed. */
    schedulePollMs: z.coerce.number().int().min(10).default(10_000),
    scheduleGraceMs: z.coerce.number().int().min(1000).default(60_000),
    /** RabbitMQ vCD publishes extension requests and notifications to (VCD-WIRE §3, §4); without it only HTTP forwarding. */
    amqpUrl: z.string().url().optional(),
    /** The extension's direct exchange, its queue and routing key: the vmext:Exchange / vmext:RoutingKey registered in vCD. */
    amqpExchange: z.string().min(1).default('vcdext'),
    amqpQueue: z.string().min(1).default('serverless'),
    amqpRoutingKey: z.string().min(1).default('serverless'),
    /** Extension requests handled at once per replica; the rest wait in the queue (back-pressure). */
    amqpPrefetch: z.coerce.number().int().min(1).max(1000).default(32),
    /** vCD's notification topic exchange and the queue the replicas share on it. */
    amqpNotificationsExchange: z.string().min(1).default('vcd.notifications20'),
    amqpNotificationsQueue: z.string().min(1).default('serverless.notifications'),
    /** The name the backend's broker connection shows in RabbitMQ's management (one per replica helps). */
    amqpConnectionName: z.string().min(1).default('vcd-serverless'),
    /** How vCD reaches the backend: its MQTT bus (vCD 10.4+), RabbitMQ (AMQP extensions) or HTTP forwarding; default mqtt, amqp when AMQP_URL is set. */
    vcdTransport: z.enum(['http', 'amqp', 'mqtt']).optional(),
    /** vCD's bus; default derived from VCD_URL (ws(s)://<vcd>/messaging/mqtt). */
    mqttUrl: z.string().url().optional(),
    /** The external service's vendor/name/version as registered in vCD (vcd-serverless deploy). */
    mqttService: z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'vendor/name/version').default('vcd-serverless/serverless/1.0.0'),
    /** The EXTENSION token: from this file (written by vcd-serverless deploy, mode 0600; default <DATA_DIR>/mqtt-extension.token) unless given directly. */
    mqttTokenFile: z.string().min(1).optional(),
    mqttToken: z.string().min(1).optional(),
    /** Extension requests run at once per replica; the rest wait (and other replicas may take them). */
    mqttMaxInFlight: z.coerce.number().int().min(1).max(1000).default(32),
    /** A request that waited in the backend longer than this since its delivery is not run (it carries no timestamp; vCD's bus expires messages after ~5 minutes). */
    mqttRequestExpiryMs: z.coerce.number().int().min(100).default(300_000),
    /** This replica's name in the request claims (default host-pid). */
    mqttReplicaId: z.string().min(1).optional(),
    /** A System administrator for vCD's events (publish/#) and metrics (metrics/#) on the bus; without it no events over MQTT. */
    vcdEventsUser: z.string().min(3).optional(),
    vcdEventsPassword: z.string().min(1).optional(),
    /** Events missed while disconnected are looked up in vCD's audit trail this often (0 = never). */
    vcdEventsReconcileMs: z.coerce.number().int().min(0).default(60_000),
    /** PEM file of the CA that signed vCD's certificate (lab vCDs with their own CA). */
    vcdCaFile: z.string().min(1).optional(),
    /** Lab vCDs only: vCD's certificate is not checked (logged as a warning at start). */
    vcdInsecureTls: z
      .union([z.boolean(), z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true')])
      .default(false),
    secretsKey: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
      .optional(),
  })
  .strict()
  .refine((c) => c.functionDefaultMemoryMb <= c.functionMaxMemoryMb, {
    message: 'FUNCTION_DEFAULT_MEMORY_MB must not exceed FUNCTION_MAX_MEMORY_MB',
    path: ['functionDefaultMemoryMb'],
  })
  .refine((c) => c.autoscaleSnmpPort === 0 || (c.autoscaleSnmpCommunity && c.autoscaleVcdUser && c.autoscaleVcdPassword), {
    message: 'AUTOSCALE_SNMP_PORT needs AUTOSCALE_SNMP_COMMUNITY and the AUTOSCALE_VCD_USER/PASSWORD it evaluates traps with',
    path: ['autoscaleSnmpPort'],
  })
  .refine((c) => !c.autoscaleAlertsAmqpUrl || (c.autoscaleVcdUser && c.autoscaleVcdPassword), {
    message: 'AUTOSCALE_ALERTS_AMQP_URL needs the AUTOSCALE_VCD_USER/PASSWORD it evaluates alerts with',
    path: ['autoscaleAlertsAmqpUrl'],
  })
  .refine((c) => !c.vropsUrl || (c.vropsUser && c.vropsPassword), { message: 'VROPS_URL needs VROPS_USER and VROPS_PASSWORD', path: ['vropsUrl'] })
  .refine((c) => c.vcdTransport !== 'amqp' || c.amqpUrl, { message: 'VCD_TRANSPORT=amqp needs AMQP_URL', path: ['vcdTransport'] })
  .refine((c) => !c.vcdEventsUser === !c.vcdEventsPassword, { message: 'VCD_EVENTS_USER and VCD_EVENTS_PASSWORD go together', path: ['vcdEventsUser'] })
  .refine((c) => c.functionDefaultTimeoutMs <= c.functionMaxTimeoutMs, {
    message: 'FUNCTION_DEFAULT_TIMEOUT_MS must not exceed FUNCTION_MAX_TIMEOUT_MS',
    path: ['functionDefaultTimeoutMs'],
  });

export type Config = z.infer<typeof ConfigSchema>;
type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable → config key. */
const ENV: Record<string, keyof ConfigInput> = {
  HOST: 'host',
  PORT: 'port',
  DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  DATABASE_POOL_MAX: 'databasePoolMax',
  SHOWBACK_AMQP_URL: 'showbackAmqpUrl',
  SHOWBACK_RETRY_BASE_MS: 'showbackRetryBaseMs',
  SHOWBACK_VCD_USER: 'showbackVcdUser',
  SHOWBACK_VCD_PASSWORD: 'showbackVcdPassword',
  SHOWBACK_HTTP_ALLOWED_HOSTS: 'showbackHttpAllowedHosts',
  SHOWBACK_HTTP_MAX_BYTES: 'showbackHttpMaxBytes',
  SHOWBACK_HTTP_TIMEOUT_MS: 'showbackHttpTimeoutMs',
  SHOWBACK_WEBHOOK_ALLOWED_HOSTS: 'showbackWebhookAllowedHosts',
  SHOWBACK_WEBHOOK_RETRY_BASE_MS: 'showbackWebhookRetryBaseMs',
  SHOWBACK_BUDGET_CHECK_SCHEDULE: 'showbackBudgetCheckSchedule',
  VCD_URL: 'vcdUrl',
  AUTOSCALE_VCD_USER: 'autoscaleVcdUser',
  AUTOSCALE_VCD_PASSWORD: 'autoscaleVcdPassword',
  AUTOSCALE_RETRIES: 'autoscaleRetries',
  AUTOSCALE_RETRY_BASE_MS: 'autoscaleRetryBaseMs',
  AUTOSCALE_SNMP_PORT: 'autoscaleSnmpPort',
  AUTOSCALE_SNMP_ADDRESS: 'autoscaleSnmpAddress',
  AUTOSCALE_SNMP_COMMUNITY: 'autoscaleSnmpCommunity',
  AUTOSCALE_ALERTS_AMQP_URL: 'autoscaleAlertsAmqpUrl',
  AUTOSCALE_ALERTS_QUEUE: 'autoscaleAlertsQueue',
  VROPS_URL: 'vropsUrl',
  VROPS_USER: 'vropsUser',
  VROPS_PASSWORD: 'vropsPassword',
  VROPS_AUTH_SOURCE: 'vropsAuthSource',
  EXTENSION_SHARED_SECRET: 'extensionSharedSecret',
  SESSION_CACHE_TTL_MS: 'sessionCacheTtlMs',
  LOG_LEVEL: 'logLevel',
  FUNCTION_DEFAULT_MEMORY_MB: 'functionDefaultMemoryMb',
  FUNCTION_MAX_MEMORY_MB: 'functionMaxMemoryMb',
  FUNCTION_DEFAULT_TIMEOUT_MS: 'functionDefaultTimeoutMs',
  FUNCTION_MAX_TIMEOUT_MS: 'functionMaxTimeoutMs',
  BODY_LIMIT: 'bodyLimitBytes',
  ORG_RATE_LIMIT_PER_MINUTE: 'orgRateLimitPerMinute',
  FUNCTION_MAX_RESPONSE: 'functionMaxResponseBytes',
  ORG_MAX_FUNCTIONS: 'orgMaxFunctions',
  ORG_MAX_CONCURRENT_CALLS: 'orgMaxConcurrentCalls',
  LIMITS_CACHE_TTL_MS: 'limitsCacheTtlMs',
  AUDIT_RETENTION_DAYS: 'auditRetentionDays',
  ACTIVATIONS_MAX_PER_FUNCTION: 'activationsMaxPerFunction',
  ACTIVATIONS_MAX_AGE_HOURS: 'activationsMaxAgeHours',
  SECRETS_KEY: 'secretsKey',
  CONTAINER_ENGINE: 'containerEngine',
  CONTAINER_DATA_DIR: 'containerDataDir',
  CONTAINER_SOCKET: 'containerSocket',
  CONTAINER_MAX_WARM: 'containerMaxWarm',
  CONTAINER_MAX_QUEUE: 'containerMaxQueue',
  CONTAINER_IDLE_MS: 'containerIdleMs',
  ASYNC_POLL_MS: 'asyncPollMs',
  ASYNC_CONCURRENCY: 'asyncConcurrency',
  ASYNC_RETRY_BASE_MS: 'asyncRetryBaseMs',
  ASYNC_LEASE_GRACE_MS: 'asyncLeaseGraceMs',
  SCHEDULE_POLL_MS: 'schedulePollMs',
  SCHEDULE_GRACE_MS: 'scheduleGraceMs',
  AMQP_URL: 'amqpUrl',
  AMQP_EXCHANGE: 'amqpExchange',
  AMQP_QUEUE: 'amqpQueue',
  AMQP_ROUTING_KEY: 'amqpRoutingKey',
  AMQP_PREFETCH: 'amqpPrefetch',
  AMQP_NOTIFICATIONS_EXCHANGE: 'amqpNotificationsExchange',
  AMQP_NOTIFICATIONS_QUEUE: 'amqpNotificationsQueue',
  AMQP_CONNECTION_NAME: 'amqpConnectionName',
  VCD_TRANSPORT: 'vcdTransport',
  VCD_MQTT_URL: 'mqttUrl',
  VCD_EXTENSION_SERVICE: 'mqttService',
  VCD_EXTENSION_TOKEN_FILE: 'mqttTokenFile',
  VCD_EXTENSION_TOKEN: 'mqttToken',
  MQTT_MAX_IN_FLIGHT: 'mqttMaxInFlight',
  MQTT_REQUEST_EXPIRY_MS: 'mqttRequestExpiryMs',
  MQTT_REPLICA_ID: 'mqttReplicaId',
  VCD_EVENTS_USER: 'vcdEventsUser',
  VCD_EVENTS_PASSWORD: 'vcdEventsPassword',
  VCD_EVENTS_RECONCILE_MS: 'vcdEventsReconcileMs',
  VCD_CA_FILE: 'vcdCaFile',
  VCD_INSECURE_TLS: 'vcdInsecureTls',
};

/** The transport in effect: VCD_TRANSPORT, else amqp when AMQP_URL is set (as before MQTT), else mqtt. */
export function transportOf(config: Config): 'http' | 'amqp' | 'mqtt' {
  return config.vcdTransport ?? (config.amqpUrl ? 'amqp' : 'mqtt');
}

/** vCD's bus next to its API: http→ws, https→wss, path /messaging/mqtt. */
export function mqttUrlOf(config: Config): string {
  if (config.mqttUrl) return config.mqttUrl;
  const u = new URL(config.vcdUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/messaging/mqtt';
  return u.toString();
}

/** Reads the config from the environment, then applies overrides (tests, scripts); throws naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ConfigInput> = {}): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = ConfigSchema.safeParse({ ...fromEnv, ...defined });
  if (!parsed.success) {
    const byKey = Object.fromEntries(Object.entries(ENV).map(([name, key]) => [key, name]));
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      return `${byKey[key] ?? key}: ${i.message}`;
    });
    throw new Error(`invalid configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}
