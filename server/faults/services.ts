import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Private PostgreSQL and RabbitMQ for the fault suite: the faults stop and restart a broker or a database, and the
 * machine's shared ones (127.0.0.1:5432, :5672) serve every other suite at the same time. Each instance lives in a
 * temp dir, listens on a free 127.0.0.1 port and is run by its service account (initdb and RabbitMQ refuse root).
 * vitest.faults.config.ts starts one of each (faults-setup.ts) and hands the tests TEST_DATABASE_URL, TEST_AMQP_URL
 * and FAULTS_* below; a test reaches its instance again with privatePostgres() / privateRabbit().
 */

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A temp dir the service account owns. */
function ownedDir(prefix: string, user: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const [uid, gid] = idOf(user);
  chownSync(dir, uid, gid);
  return dir;
}

function idOf(user: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l: string) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user} on this machine: the fault suite runs its own ${user === 'postgres' ? 'PostgreSQL' : 'RabbitMQ'} as it`);
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}

/** Runs a command as `user` (runuser when root, as CI is; as is otherwise). */
function as(user: string, cmd: string, args: string[], env: Record<string, string> = {}, timeout = 90_000) {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return process.getuid?.() === 0 ? run('runuser', ['-u', user, '--', 'env', ...envArgs, cmd, ...args], { timeout }) : run('env', [...envArgs, cmd, ...args], { timeout });
}

// ---------------------------------------------------------------- PostgreSQL

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL binaries in /usr/lib/postgresql: the fault suite needs initdb and pg_ctl');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

function postgresAt(dir: string, port: number): PrivatePostgres {
  const bin = pgBin();
  const data = path.join(dir, 'data');
  const pgctl = (...args: string[]) => as('postgres', `${bin}/pg_ctl`, ['-D', data, '-w', ...args]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => void (await pgctl('-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start')),
    stop: async () => void (await pgctl('-m', 'fast', 'stop')),
    async destroy() {
      await pgctl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres & { dir: string; port: number }> {
  const dir = ownedDir('vsl-faults-pg-', 'postgres');
  const port = await freePort();
  await as('postgres', `${pgBin()}/initdb`, ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const pg = postgresAt(dir, port);
  await pg.start();
  return { ...pg, dir, port };
}

/** The suite's PostgreSQL, from what faults-setup.ts handed the test. */
export function privatePostgres(): PrivatePostgres {
  const dir = process.env.FAULTS_PG_DIR;
  const port = Number(process.env.FAULTS_PG_PORT);
  if (!dir || !port) throw new Error('no private PostgreSQL: run the fault suite with -c vitest.faults.config.ts (it never stops the shared one)');
  return postgresAt(dir, port);
}

// ---------------------------------------------------------------- RabbitMQ

export interface PrivateRabbit {
  url: string;
  node: string;
  /** rabbitmqctl against this node only. */
  ctl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function rabbitAt(dir: string, node: string, port: number, distPort: number): PrivateRabbit {
  // HOME: the node's own Erlang cookie (rabbitmqctl needs the same one); an empty env file and a config of its
  // own, so /etc/rabbitmq (NODENAME=rabbit@localhost, listener :5672) does not apply.
  const env = {
    HOME: dir,
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'env.conf'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const ctl = async (...args: string[]) => (await as('rabbitmq', '/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', node, ...args], env)).stdout;
  const rabbit: PrivateRabbit = {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    node,
    ctl,
    async start() {
      await as('rabbitmq', '/usr/lib/rabbitmq/bin/rabbitmq-server', ['-detached'], env);
      // -detached returns before the node answers; await_startup needs a node that is already reachable.
      for (let i = 0; ; i++) {
        try {
          await ctl('-q', 'await_startup');
          return;
        } catch (err) {
          if (i >= 120) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
    stop: async () => void (await ctl('-q', 'stop')),
    async destroy() {
      await ctl('-q', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rabbit;
}

export async function startPrivateRabbit(): Promise<PrivateRabbit & { dir: string; port: number; distPort: number }> {
  const dir = ownedDir('vsl-faults-rmq-', 'rabbitmq');
  const port = await freePort();
  const distPort = await freePort();
  const [uid, gid] = idOf('rabbitmq');
  for (const [file, text] of [
    ['env.conf', ''],
    ['rabbitmq.conf', `listeners.tcp.default = 127.0.0.1:${port}\n`],
  ]) {
    writeFileSync(path.join(dir, file), text);
    chownSync(path.join(dir, file), uid, gid);
  }
  const node = `vslfaults${process.pid}@localhost`;
  const rabbit = rabbitAt(dir, node, port, distPort);
  await rabbit.start();
  return { ...rabbit, dir, port, distPort };
}

/** The suite's RabbitMQ node, from what faults-setup.ts handed the test. */
export function privateRabbit(): PrivateRabbit {
  const { FAULTS_RABBIT_DIR: dir, FAULTS_RABBIT_NODE: node } = process.env;
  const port = Number(process.env.FAULTS_RABBIT_PORT);
  const distPort = Number(process.env.FAULTS_RABBIT_DIST_PORT);
  if (!dir || !node || !port) throw new Error('no private RabbitMQ: run the fault suite with -c vitest.faults.config.ts (it never stops the shared one)');
  return rabbitAt(dir, node, port, distPort);
}

/** The broker's id of the connection named `name` on the private node (looked up ahead: rabbitmqctl takes a second). */
export async function connectionPid(rabbit: PrivateRabbit, name: string): Promise<string> {
  const rows = await rabbit.ctl('-q', 'list_connections', '--no-table-headers', 'pid', 'client_properties');
  const row = rows.split('\n').find((line) => line.includes(`{"connection_name","${name}"}`));
  if (!row) throw new Error(`no broker connection named ${name}`);
  return row.split('\t')[0];
}

/** Closes a broker connection as an operator would (the broker keeps running). */
export async function closeConnection(rabbit: PrivateRabbit, pid: string): Promise<void> {
  await rabbit.ctl('-q', 'close_connection', pid, 'closed by a test');
}
