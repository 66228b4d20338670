import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { installUiPlugin, loginAsProvider, registerApiExtension } from '../bin/lib/vcd-provider';
import { registerMqttService } from '../server/testing/mqtt-service';
import { trustVcdForFetch } from '../server/transport/mqtt/tls';

export type Transport = 'http' | 'amqp' | 'mqtt';

/**
 * The whole product on one machine: mock vCD + backend + the real dist/plugin.zip installed as a provider would.
 * Used by `npm start`, the e2e suite and the bench.
 */
export interface StackOptions {
  /**
   * How vCD reaches the backend: its MQTT bus (default, as vCD 10.4+ does), RabbitMQ (amqp; VCD_AMQP_URL) or HTTP
   * forwarding (the mock's shortcut, for debugging). Default VCD_TRANSPORT, else amqp when VCD_AMQP_URL is set, else mqtt.
   */
  transport?: Transport;
  /** vCD's AMQP mode: extension requests and notifications through this RabbitMQ (default: VCD_AMQP_URL). */
  amqpUrl?: string;
  /** HTTPS like vCD (MOCK_VCD_TLS=1): the mock makes a self-signed certificate in this directory, the backend trusts it. */
  tlsDir?: string;
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
  transport: Transport;
  /** With TLS: the mock's self-signed certificate (trust it to call vCD's API). */
  caFile?: string;
  portalUrl: string;
  vcdUrl: string;
  /** vCD's MQTT bus: ws:// or, with TLS, wss:// (the backend's extension service is on it in mqtt mode). */
  busUrl: string;
  backendUrl: string;
  close(): Promise<void>;
}

export const DEMO_LOGINS = [
  { login: 'admin@acme', password: 'acme-demo', role: 'tenant administrator of acme' },
  { login: 'admin@globex', password: 'globex-demo', role: 'tenant administrator of globex' },
  { login: 'administrator@System', password: 'provider-demo', role: 'provider (System administrator)' },
];

type MockVcd = Awaited<ReturnType<typeof startMockVcd>>;
type Backend = Awaited<ReturnType<typeof startServer>>;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const root = path.resolve(__dirname, '..');
  const sharedSecret = randomBytes(32).toString('hex');
  const amqpUrl = options.amqpUrl ?? (process.env.VCD_AMQP_URL || undefined);
  const transport = options.transport ?? transportFromEnv(amqpUrl);
  if (transport === 'amqp' && !amqpUrl) throw new Error('VCD_TRANSPORT=amqp needs VCD_AMQP_URL (amqp://guest:guest@127.0.0.1:5672)');

  // The backend must know vCD's URL and vCD the backend's; a fixed backend port breaks the cycle,
  // port 0 is resolved by starting the mock first and pointing it at the backend afterwards.
  const mock = await startMockVcd({
    host,
    port: options.mockPort ?? 0,
    sharedSecret,
    portalDir: options.portalDir ?? path.join(root, 'dist/portal/browser'),
    amqp: transport === 'amqp' && amqpUrl ? { url: amqpUrl } : undefined,
    tls: options.tlsDir ? { dir: options.tlsDir } : undefined,
    infra: { demoHistoryDays: options.demoHistoryDays ?? Number(process.env.MOCK_VCD_DEMO_HISTORY_DAYS ?? 30) },
  });
  // HTTPS: this process (registration, demo data) trusts the mock's own certificate for the mock's origin only.
  if (mock.caFile) trustVcdForFetch(mock.url, { ca: readFileSync(mock.caFile, 'utf8') });
  const bus = await busConfig(transport, mock);
  const backend = await startServer({
    host,
    port: options.backendPort ?? 0,
    vcdUrl: mock.url,
    extensionSharedSecret: sharedSecret,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(transport === 'amqp' ? { amqpUrl } : {}),
    ...(mock.caFile ? { vcdCaFile: mock.caFile } : {}),
    vcdTransport: transport,
    ...bus,
    // The mock's vROps stand-in (its suite-api on the mock's own origin, its demo account): rules' custom groups.
    vropsUrl: mock.url,
    vropsUser: 'admin',
    vropsPassword: 'vrops-demo',
    ...options.backend,
  } as never);
  await provision({ mock, backend, transport, zipPath: options.zipPath ?? path.join(root, 'dist/plugin.zip') });

  return {
    transport,
    caFile: mock.caFile,
    portalUrl: `${mock.url}/login`,
    vcdUrl: mock.url,
    busUrl: mock.mqttUrl,
    backendUrl: backend.url,
    async close() {
      await backend.close();
      await mock.close();
    },
  };
}

/** On the bus the external service must exist, with its token, before the backend connects (deploy does this). */
async function busConfig(transport: Transport, mock: MockVcd): Promise<Record<string, unknown>> {
  if (transport !== 'mqtt') return {};
  try {
    const { token } = await registerMqttService(mock.url);
    // vCD's events and metrics as the demo System administrator, like showback's usage account.
    return { mqttToken: token, vcdEventsUser: 'administrator@System', vcdEventsPassword: 'provider-demo' };
  } catch (err) {
    await mock.close();
    throw err;
  }
}

/** Points vCD at the backend and installs the plugin as a provider would; on a failure both stop again. */
async function provision(s: { mock: MockVcd; backend: Backend; transport: Transport; zipPath: string }): Promise<void> {
  const { mock, backend, transport } = s;
  // vCD notifications (VM created, powered, deleted) reach event-triggered functions over the bus (mqtt), through
  // vcd.notifications20 like the extension requests (amqp), or through the signed webhook (http).
  if (transport === 'http') {
    mock.state.httpExtensions.serverless = backend.url;
    mock.state.infra.notifier.targets.push(`${backend.url}/notifications/vcd`);
  }
  try {
    const session = await loginAsProvider({ vcdUrl: mock.url, user: 'administrator@System', password: 'provider-demo' });
    await installUiPlugin(session, { zipPath: s.zipPath });
    if (transport !== 'mqtt') await registerApiExtension(session);
  } catch (err) {
    await backend.close();
    await mock.close();
    throw err;
  }
}

/** VCD_TRANSPORT, else amqp when a RabbitMQ is given (as before MQTT), else mqtt. */
export function transportFromEnv(amqpUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): Transport {
  const value = env.VCD_TRANSPORT;
  if (value === 'http' || value === 'amqp' || value === 'mqtt') return value;
  if (value) throw new Error(`VCD_TRANSPORT must be http, amqp or mqtt (got "${value}")`);
  return amqpUrl ? 'amqp' : 'mqtt';
}

/** What `npm start` (scripts/serve.ts) asks of the stack, from its environment; the transport is left to startStack. */
export function stackOptionsFromEnv(env: NodeJS.ProcessEnv): StackOptions {
  return {
    host: env.HOST ?? '127.0.0.1',
    mockPort: Number(env.MOCK_VCD_PORT ?? 8088),
    backendPort: Number(env.PORT ?? 8089),
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    logLevel: env.LOG_LEVEL ?? 'warn',
    // MOCK_VCD_TLS=1: vCD's API, portal and wss:// bus over HTTPS with a self-signed certificate made once.
    tlsDir: env.MOCK_VCD_TLS === '1' ? path.join(env.MOCK_VCD_DATA_DIR ?? '.data/mock-vcd', 'tls') : undefined,
    // Showback's vCD usage reads the mock's VMs with its demo provider account unless told otherwise.
    backend: {
      showbackVcdUser: env.SHOWBACK_VCD_USER ?? 'administrator@System',
      showbackVcdPassword: env.SHOWBACK_VCD_PASSWORD ?? 'provider-demo',
    },
  };
}
