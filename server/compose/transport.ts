import { ExtensionBridge, type RequestHandler } from '../transport/amqp/extension-bridge';
import { NotificationConsumer } from '../transport/amqp/notification-consumer';
import type { VcdNotification } from '../vcd/notification';
import type { Config } from '../config';
import type { Logger } from 'pino';

export interface TransportPart {
  /** After the server listens: consume from the broker. */
  start(): Promise<void>;
  /** First of all at close: no new broker requests while the rest stops. */
  close(): Promise<void>;
}

/**
 * vCD's AMQP side (with AMQP_URL; without it nothing): the API extension's requests dispatched in process to the same
 * app, and vCD's notifications (VCD-WIRE §4) handed to the features; the replicas share one queue each.
 */
export function composeTransport(
  { config, log }: { config: Config; log: Logger },
  deps: { app: RequestHandler; onNotification: (n: VcdNotification) => Promise<void> },
): TransportPart {
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
