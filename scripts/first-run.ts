/**
 * `npm start`'s first five minutes (issue 17 item 6): before anything is built, a port already taken is named with
 * the variable that moves it (instead of a TypeError from deep inside a listen), and once running the banner says
 * which parts are on. `node --import tsx scripts/first-run.ts` checks the ports and prints the parts (start.mjs runs
 * it before the builds); serve.ts calls the same functions.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { parseRemoteArgs, type RemoteArgs, tokenProblem } from './dev/args';
import { DEMO_LOGINS, transportFromEnv, type Stack, type Transport } from './stack';

export interface PortWanted {
  /** The environment variable that moves it. */
  variable: string;
  what: string;
  port: number;
}

type Env = Record<string, string | undefined>;

/** npm start's ports and the variables that set them (the values scripts/serve.ts passes to the stack). */
export function startPorts(env: Env): { host: string; ports: PortWanted[]; problems: string[] } {
  const wanted = [
    { variable: 'MOCK_VCD_PORT', what: 'the mock vCD, portal and API', fallback: 8088 },
    { variable: 'PORT', what: 'the backend', fallback: 8089 },
  ];
  const problems: string[] = [];
  const ports = wanted.map(({ variable, what, fallback }) => {
    const raw = env[variable];
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${variable}=${raw} is not a port: use a number from 1 to 65535 (0 = any free port)`);
    return { variable, what, port };
  });
  return { host: env.HOST || '127.0.0.1', ports, problems };
}

function canListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

async function anyFreePort(host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One line per port npm start cannot take, each naming the variable that moves it; empty when all are free. */
export async function portProblems(host: string, ports: PortWanted[]): Promise<string[]> {
  const problems: string[] = [];
  for (const p of ports.filter((p) => p.port !== 0)) {
    const err = await canListen(host, p.port);
    if (!err) continue;
    if (err.code === 'EADDRINUSE') {
      const free = await anyFreePort(host);
      problems.push(`port ${p.port} on ${host} (${p.what}) is already in use: stop what listens there, or move it with ${p.variable}=${free ?? '<port>'} npm start`);
    } else if (err.code === 'EACCES') {
      problems.push(`port ${p.port} on ${host} (${p.what}) needs privileges: choose a port above 1023 with ${p.variable}=<port>`);
    } else {
      problems.push(`cannot listen on ${host}:${p.port} (${p.what}): ${err.code ?? err.message}; HOST moves the address, ${p.variable} the port`);
    }
  }
  return problems;
}

/** A connection string without its password (and user), for printing. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '(default port)'}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function podmanVersion(env: Env): string | undefined {
  try {
    return execFileSync('podman', ['--version'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .replace(/^podman version /, '');
  } catch {
    return undefined;
  }
}

/** The banner's "which parts are on": container runtime, store, transport, each with the variable that changes it. */
export function partsLines(env: Env, transport: string): string[] {
  const engine = env.CONTAINER_ENGINE === 'off' ? undefined : podmanVersion(env);
  const containers =
    env.CONTAINER_ENGINE === 'off'
      ? 'off (CONTAINER_ENGINE=off): python3 and container-sandbox functions answer 503; nodejs20 runs in V8 isolates'
      : engine
        ? `Podman ${engine}, started on the first container function (storage ${env.CONTAINER_DATA_DIR || '.data/podman'})`
        : 'not found: python3 and container-sandbox functions fail to build; install podman (bash scripts/ensure-system.sh) or set CONTAINER_ENGINE=off';
  const store = env.DATABASE_URL
    ? `PostgreSQL at ${where(env.DATABASE_URL)} (DATABASE_URL)`
    : `PGlite in ${env.DATA_DIR || '.data/backend'} (DATA_DIR; DATABASE_URL for PostgreSQL)`;
  return [`  Containers: ${containers}`, `  Store:      ${store}`, `  Transport:  ${transport}`];
}

/** How vCD reaches the backend, as the stack chose it (scripts/stack.ts transportFromEnv). */
export function transportLine(transport: Transport): string {
  const how = {
    mqtt: "vCD's MQTT bus (/messaging/mqtt, an external service, as vCD 10.4+ does)",
    amqp: "RabbitMQ (an AMQP API extension; VCD_AMQP_URL)",
    http: "HTTP forwarding (the mock's debugging shortcut)",
  }[transport];
  return `${how} (VCD_TRANSPORT=http|amqp|mqtt)`;
}

/** The banner `npm start` prints once the stack runs: where the portal, vCD's API and its bus are, and the logins. */
export function runningLines(stack: Stack, { seeded, env }: { seeded: string[]; env: Env }): string[] {
  return [
    '',
    'vcd-serverless is running on the mock vCD.',
    '',
    ...(seeded.length ? [`  Showback: the demo billing source collected its months for ${seeded.join(', ')}.`, ''] : []),
    `  Portal:   ${stack.portalUrl}`,
    `  vCD API:  ${stack.vcdUrl}/api/org/<org>/...   (backend directly: ${stack.backendUrl})`,
    `  vCD bus:  ${stack.busUrl}`,
    ...partsLines(env, transportLine(stack.transport)),
    ...(stack.caFile ? [`  HTTPS with a self-signed certificate: MOCK_VCD_CA_FILE=${stack.caFile}`] : []),
    '',
    '  Demo logins:',
    ...DEMO_LOGINS.map((d) => `    ${(d.login + ' / ' + d.password).padEnd(38)} ${d.role}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
}

/** Checks what npm start needs before it builds; prints the parts; exit 1 naming each problem. */
async function main(): Promise<void> {
  const { host, ports, problems } = startPorts(process.env);
  let transport: Transport = 'mqtt';
  try {
    transport = transportFromEnv(process.env.VCD_AMQP_URL || undefined);
  } catch (err) {
    problems.push((err as Error).message);
  }
  // `npm start -- --vcd URL`: the backend joins that vCD's bus with the token deploy stored there.
  let remote: RemoteArgs | undefined;
  try {
    remote = parseRemoteArgs(process.argv.slice(2));
    const missing = remote && tokenProblem(process.env, remote.vcdUrl);
    if (missing) problems.push(missing);
  } catch (err) {
    problems.push((err as Error).message);
  }
  problems.push(...(problems.length ? [] : await portProblems(host, ports)));
  if (problems.length) {
    process.stderr.write(problems.map((p) => `vcd-serverless cannot start: ${p}\n`).join(''));
    process.exit(1);
  }
  const how = remote ? `the MQTT bus of ${remote.vcdUrl} (an external service; npm start -- --vcd)` : transportLine(transport);
  process.stdout.write(['Starting with:', ...partsLines(process.env, how), ''].join('\n'));
}

if (require.main === module) void main();
