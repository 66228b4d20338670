import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { installUiPlugin, loginAsProvider, registerApiExtension } from '../bin/lib/vcd-provider';

/**
 * The whole product on one machine: mock vCD + backend + the real dist/plugin.zip installed as a provider would.
 * Used by `npm start`, the e2e suite and the bench.
 */
export interface StackOptions {
  /** vCD's AMQP mode: extension requests and notifications through this RabbitMQ (default: VCD_AMQP_URL; unset = HTTP forwarding). */
  amqpUrl?: string;
  host?: string;
  mockPort?: number;
  backendPort?: number;
  dataDir?: string;
  databaseUrl?: string;
  zipPath?: string;
  portalDir?: string;
  logLevel?: string;
  /** Days of the mock's deterministic demo metric history before its start (what a backtest replays); default 30. */
  demoHistoryDays?: number;
  /** More backend config (e.g. showback's allowed billing hosts or its vCD usage account). */
  backend?: Record<string, unknown>;
}

export interface Stack {
  portalUrl: string;
  vcdUrl: string;
  backendUrl: string;
  close(): Promise<void>;
}

export const DEMO_LOGINS = [
  { login: 'admin@acme', password: 'acme-demo', role: 'tenant administrator of acme' },
  { login: 'admin@globex', password: 'globex-demo', role: 'tenant administrator of globex' },
  { login: 'administrator@System', password: 'provider-demo', role: 'provider (System administrator)' },
];

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const root = path.resolve(__dirname, '..');
  const sharedSecret = randomBytes(32).toString('hex');
  const backendPort = options.backendPort ?? 0;
  const amqpUrl = options.amqpUrl ?? (process.env.VCD_AMQP_URL || undefined);

  // The backend must know vCD's URL and vCD the backend's; a fixed backend port breaks the cycle,
  // port 0 is resolved by starting the mock first and pointing it at the backend afterwards.
  const mock = await startMockVcd({
    host,
    port: options.mockPort ?? 0,
    sharedSecret,
    portalDir: options.portalDir ?? path.join(root, 'dist/portal/browser'),
    amqp: amqpUrl ? { url: amqpUrl } : undefined,
    infra: { demoHistoryDays: options.demoHistoryDays ?? Number(process.env.MOCK_VCD_DEMO_HISTORY_DAYS ?? 30) },
  });
  const backend = await startServer({
    host,
    port: backendPort,
    vcdUrl: mock.url,
    extensionSharedSecret: sharedSecret,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(amqpUrl ? { amqpUrl } : {}),
    ...options.backend,
  } as never);
  mock.state.httpExtensions.serverless = backend.url;
  // vCD notifications (VM created, powered, deleted) reach event-triggered functions through the signed webhook,
  // or in AMQP mode through vcd.notifications20 like the extension requests.
  if (!amqpUrl) mock.state.infra.notifier.targets.push(`${backend.url}/notifications/vcd`);

  try {
    const session = await loginAsProvider({ vcdUrl: mock.url, user: 'administrator@System', password: 'provider-demo' });
    await installUiPlugin(session, { zipPath: options.zipPath ?? path.join(root, 'dist/plugin.zip') });
    await registerApiExtension(session);
  } catch (err) {
    await backend.close();
    await mock.close();
    throw err;
  }

  return {
    portalUrl: `${mock.url}/login`,
    vcdUrl: mock.url,
    backendUrl: backend.url,
    async close() {
      await backend.close();
      await mock.close();
    },
  };
}
