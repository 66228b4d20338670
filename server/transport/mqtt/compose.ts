import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Config, mqttUrlOf } from '../../config';
import type { AutoscaleService } from '../../autoscale/service';
import type { RuleStore } from '../../autoscale/store';
import { MetricPush } from '../../autoscale/push';
import type { Db } from '../../store/db';
import type { VcdNotification } from '../../vcd/notification';
import type { RequestHandler } from '../dispatch';
import { auditTrailReader } from './audit-trail';
import { RequestClaims } from './claims';
import { MqttEventConsumer } from './events';
import { MqttExtensionService } from './extension-service';
import { defaultTokenFile, readTokenFile, tokenHint } from './token-file';
import type { MqttTls } from './link';

export interface MqttParts {
  config: Config;
  log: Logger;
  db: Db;
  app: RequestHandler;
  tls: MqttTls;
  onNotification: (n: VcdNotification) => Promise<void>;
  autoscale: { service: AutoscaleService; rules: RuleStore };
  /** A vCD session of the backend's own (VCD_EVENTS_USER), for the events link, the reconcile and pushed scale actions. */
  login: (user: string, password: string) => Promise<string>;
}

export interface MqttTransport {
  extension: MqttExtensionService;
  events?: MqttEventConsumer;
  start(): Promise<void>;
  close(): Promise<void>;
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
export function composeMqtt(parts: MqttParts): MqttTransport {
  const { config, log, db } = parts;
  const [vendor, name, version] = config.mqttService.split('/');
  const url = mqttUrlOf(config);
  const replica = config.mqttReplicaId ?? `${hostname()}-${process.pid}`;
  // PGlite serves one process; claims matter (and work) where replicas share PostgreSQL, and cost little otherwise.
  const claims = new RequestClaims(db, replica, 2 * config.mqttRequestExpiryMs);
  const extension = new MqttExtensionService({
    url,
    service: { vendor, name, version },
    token: tokenSource(config, log),
    handler: parts.app,
    claims,
    maxInFlight: config.mqttMaxInFlight,
    expiryMs: config.mqttRequestExpiryMs,
    tls: parts.tls,
    log,
  });
  const { vcdEventsUser: user, vcdEventsPassword: password } = config;
  let events: MqttEventConsumer | undefined;
  if (user && password) {
    const login = () => parts.login(user, password);
    const push = new MetricPush({ rules: parts.autoscale.rules, service: parts.autoscale.service, login, log });
    events = new MqttEventConsumer({
      url,
      login,
      onNotification: parts.onNotification,
      // Every replica receives every sample: the one that claims it evaluates it.
      onMetrics: async (m) => {
        if (await claims.claim(`metrics:${m.vAppId}:${m.timestamp}`)) await push.receive(m);
      },
      missedSince: auditTrailReader(config.vcdUrl),
      reconcileMs: config.vcdEventsReconcileMs,
      tls: parts.tls,
      log,
    });
  }
  return {
    extension,
    events,
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
