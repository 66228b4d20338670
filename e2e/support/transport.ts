import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startMockVcd, type RunningMockVcd } from '../../mock-vcd/main';
import { startServer, type RunningServer } from '../../server/main';
import { AMQP_URL, backendAmqpConfig, rawClient, uniqueNames } from '../../server/testing/amqp';
import { defaultTokenFile } from '../../server/transport/mqtt/token-file';
import { transportFromEnv, type Transport } from '../../scripts/stack';

/**
 * The transport an e2e run exercises, from the environment the way npm start reads it (VCD_TRANSPORT, VCD_AMQP_URL;
 * default mqtt): scripts/test.mjs runs the foundation path once per transport.
 */
export const E2E_TRANSPORT: Transport = transportFromEnv(process.env.VCD_AMQP_URL || undefined);

export interface UndeployedStack {
  mock: RunningMockVcd;
  backend: RunningServer;
  /** The arguments `vcd-serverless deploy` needs for this transport (besides --vcd, --user, --zip). */
  deployArgs: string[];
  close(): Promise<void>;
}

/**
 * A mock vCD and a backend waiting for a provider's `vcd-serverless deploy`: on the bus the backend reads the token
 * file deploy writes into its data dir; in AMQP mode it consumes queues of its own names.
 */
export async function undeployedStack(options: { dataDir: string; portalDir: string }): Promise<UndeployedStack> {
  const secret = randomBytes(32).toString('hex');
  const names = uniqueNames();
  const amqp = E2E_TRANSPORT === 'amqp';
  const mock = await startMockVcd({
    sharedSecret: secret,
    portalDir: options.portalDir,
    amqp: amqp ? { url: AMQP_URL, replyExchange: names.replyExchange, notificationsExchange: names.notificationsExchange } : undefined,
  });
  const tokenFile = defaultTokenFile(options.dataDir);
  const backend = await startServer({
    port: 0,
    vcdUrl: mock.url,
    dataDir: options.dataDir,
    logLevel: 'warn',
    extensionSharedSecret: secret,
    vcdTransport: E2E_TRANSPORT,
    ...(amqp ? backendAmqpConfig(names) : {}),
  });
  if (E2E_TRANSPORT === 'http') mock.state.httpExtensions.serverless = backend.url;
  const deployArgs = {
    mqtt: ['--token-file', path.resolve(tokenFile)],
    amqp: ['--transport', 'amqp', '--exchange', names.exchange, '--routing-key', names.routingKey, '--amqp-url', 'amqp://guest@127.0.0.1:5672/'],
    // The mock's HTTP forwarding follows the legacy extension registration (vCD itself has no such path).
    http: ['--transport', 'amqp', '--exchange', names.exchange, '--routing-key', names.routingKey],
  }[E2E_TRANSPORT];
  return {
    mock,
    backend,
    deployArgs,
    async close() {
      await backend.close();
      await mock.close();
      if (amqp) {
        const client = await rawClient();
        await client.cleanup(names);
      }
    },
  };
}
