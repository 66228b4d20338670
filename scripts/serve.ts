import path from 'node:path';
import { seedShowbackDemo } from './demo-data';
import { DEMO_LOGINS, startStack } from './stack';

const TRANSPORT_LINES = {
  mqtt: "its MQTT bus (/messaging/mqtt, an external service, as vCD 10.4+ does)",
  amqp: 'RabbitMQ (an AMQP API extension)',
  http: 'HTTP forwarding (the mock\'s debugging shortcut)',
} as const;

/** `npm start`'s long-running part: the stack on fixed, configurable ports until Ctrl-C. */
async function main(): Promise<void> {
  const stack = await startStack({
    host: process.env.HOST ?? '127.0.0.1',
    mockPort: Number(process.env.MOCK_VCD_PORT ?? 8088),
    backendPort: Number(process.env.PORT ?? 8089),
    dataDir: process.env.DATA_DIR,
    databaseUrl: process.env.DATABASE_URL,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    // MOCK_VCD_TLS=1: vCD's API, portal and wss:// bus over HTTPS with a self-signed certificate made once.
    tlsDir: process.env.MOCK_VCD_TLS === '1' ? path.join(process.env.MOCK_VCD_DATA_DIR ?? '.data/mock-vcd', 'tls') : undefined,
    // Showback's vCD usage reads the mock's VMs with its demo provider account unless told otherwise.
    backend: {
      showbackVcdUser: process.env.SHOWBACK_VCD_USER ?? 'administrator@System',
      showbackVcdPassword: process.env.SHOWBACK_VCD_PASSWORD ?? 'provider-demo',
    },
  });
  // DEMO_DATA=0 starts with empty dashboards.
  const seeded = process.env.DEMO_DATA === '0' ? [] : await seedShowbackDemo(stack);
  const lines = [
    '',
    'vcd-serverless is running on the mock vCD.',
    '',
    ...(seeded.length ? [`  Showback: the demo billing source collected its months for ${seeded.join(', ')}.`, ''] : []),
    `  Portal:   ${stack.portalUrl}`,
    `  vCD API:  ${stack.vcdUrl}/api/org/<org>/...   (backend directly: ${stack.backendUrl})`,
    `  vCD reaches the backend over ${TRANSPORT_LINES[stack.transport]} (VCD_TRANSPORT=http|amqp|mqtt)`,
    ...(stack.caFile ? [`  HTTPS with a self-signed certificate: MOCK_VCD_CA_FILE=${stack.caFile}`] : []),
    '',
    '  Demo logins:',
    ...DEMO_LOGINS.map((d) => `    ${(d.login + ' / ' + d.password).padEnd(38)} ${d.role}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`vcd-serverless failed to start: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
  process.exit(1);
});
