import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Config, mqttUrlOf } from '../config';
import type { Db } from '../store/db';
import type { VcdNotification } from '../vcd/notification';
import type { RequestHandler } from '../transport/dispatch';
import { auditTrailReader } from '../transport/mqtt/audit-trail';
import { RequestClaims } from '../transport/mqtt/claims';
import { MqttEventConsumer, type VappMetrics } from '../transport/mqtt/events';
import { MqttExtensionService } from '../transport/mqtt/extension-service';
import type { MqttTls } from '../transport/mqtt/link';
import { defaultTokenFile, readTokenFile, tokenHint } from '../transport/mqtt/token-file';

export interface MqttDeps {
  app: RequestHandler;
  tls: MqttTls;
  onNotification: (n: VcdNotification) => Promise<void>;
  /** vCD's pushed VM metrics (autoscale's push source); absent = not subscribed. */
  onMetrics?: (m: VappMetrics) => Promise<void>;
  /** A vCD session of the backend's own (VCD_EVENTS_USER), for the events link and the reconcile. */
  login: (user: string, password: string) => Promise<string>;
}

/** The EXTENSION token: VCD_EXTENSION_TOKEN, else the file deploy wrote; an error says what to do. */
function tokenSource(config: Config, log: Logger): () => Promise<string> {
  const file = config.mqttTokenFile ?? defaultTokenFile(config.dataDir);
  let lastHint: string | undefined;
  return async () => {
    if (config.mqttToken) return config.mqttToken;
    const stored = readTokenFile(file);
    if (!stored) throw new Error(`no EXTENSION token in ${file}: run vcd-serverless deploy (or set VCD_EXTENSION_TOKEN)`);
    if (stored.service && stored.service !== config.mqttService) throw new Error(`${file} holds the token of ${stored.service}, not ${config.mqttService}`);
    const hint = tokenHint(stored.token);
    if (hint !== lastHint) log.info({ file, token: hint }, 'mqtt extension token read');
    lastHint = hint;
    return stored.token;
  };
}

/** vCD's MQTT bus (docs/vcd-mqtt.md): the external service, and with VCD_EVENTS_USER the events and metrics links. */
export function composeMqtt({ config, log, db }: { config: Config; log: Logger; db: Db }, deps: MqttDeps): { start(): Promise<void>; close(): Promise<void> } {
  const [vendor, name, version] = config.mqttService.split('/');
  const url = mqttUrlOf(config);
  const replica = config.mqttReplicaId ?? `${hostname()}-${process.pid}`;
  // PGlite serves one process; claims matter (and work) where replicas share PostgreSQL, and cost little otherwise.
  const claims = new RequestClaims(db, replica, 2 * config.mqttRequestExpiryMs);
  const extension = new MqttExtensionService({
    url,
    service: { vendor, name, version },
    token: tokenSource(config, log),
    handler: deps.app,
    claims,
    maxInFlight: config.mqttMaxInFlight,
    expiryMs: config.mqttRequestExpiryMs,
    tls: deps.tls,
    log,
  });
  const { vcdEventsUser: user, vcdEventsPassword: password } = config;
  const onMetrics = deps.onMetrics;
  const events =
    user && password
      ? new MqttEventConsumer({
          url,
          login: () => deps.login(user, password),
          onNotification: deps.onNotification,
          // Every replica receives every sample: the one that claims it evaluates it.
          onMetrics: onMetrics
            ? async (m) => {
                if (await claims.claim(`metrics:${m.vAppId}:${m.timestamp}`)) await onMetrics(m);
              }
            : undefined,
          missedSince: auditTrailReader(config.vcdUrl),
          reconcileMs: config.vcdEventsReconcileMs,
          tls: deps.tls,
          log,
        })
      : undefined;
  return {
    async start() {
      await extension.start();
      await events?.start();
    },
    async close() {
      await extension.close();
      await events?.close();
    },
  };
}
