import { ExtensionBridge } from '../transport/amqp/extension-bridge';
import type { RequestHandler } from '../transport/dispatch';
import { NotificationConsumer } from '../transport/amqp/notification-consumer';
import type { VcdNotification } from '../vcd/notification';
import { type Config, transportOf } from '../config';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { createVcdInfra } from '../vcd/infra';
import type { VappMetrics } from '../transport/mqtt/events';
import type { MqttTls } from '../transport/mqtt/link';
import { composeMqtt } from './mqtt';

export interface TransportPart {
  /** After the server listens: consume from the broker. */
  start(): Promise<void>;
  /** First of all at close: no new broker requests while the rest stops. */
  close(): Promise<void>;
}

/**
 * How vCD reaches the backend (VCD_TRANSPORT): its MQTT bus (the default; server/compose/mqtt.ts), RabbitMQ, or
 * nothing of ours (HTTP forwarding). Over AMQP the API extension's requests are dispatched in process to the same
 * app and vCD's notifications (VCD-WIRE §4) handed to the features; the replicas share one queue each.
 */
export function composeTransport(
  ctx: { config: Config; log: Logger; db: Db },
  deps: { app: RequestHandler; tls: MqttTls; onNotification: (n: VcdNotification) => Promise<void>; onMetrics?: (m: VappMetrics) => Promise<void> },
): TransportPart {
  const { config, log } = ctx;
  const transport = transportOf(config);
  if (transport === 'mqtt') {
    const vcd = createVcdInfra({ vcdUrl: config.vcdUrl });
    return composeMqtt(ctx, { ...deps, login: (user, password) => vcd.login(user, password) });
  }
  if (transport !== 'amqp') return { start: async () => undefined, close: async () => undefined };
  const bridge = config.amqpUrl
    ? new ExtensionBridge({
        url: config.amqpUrl,
        connectionName: config.amqpConnectionName,
        exchange: config.amqpExchange,
        queue: config.amqpQueue,
        routingKey: config.amqpRoutingKey,
        prefetch: config.amqpPrefetch,
        handler: deps.app,
        log,
      })
    : undefined;
  const notifications = config.amqpUrl
    ? new NotificationConsumer({
        url: config.amqpUrl,
        connectionName: config.amqpConnectionName,
        exchange: config.amqpNotificationsExchange,
        queue: config.amqpNotificationsQueue,
        handle: deps.onNotification,
        log,
      })
    : undefined;
  return {
    async start() {
      await bridge?.start();
      await notifications?.start();
    },
    async close() {
      await bridge?.close();
      await notifications?.close();
    },
  };
}
