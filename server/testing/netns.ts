import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * A TCP listener on a non-loopback address that exists only for one test: a network namespace of the test's own,
 * joined to the host by a veth pair on a /30 of TEST-NET-2 (198.51.100.0/24, documentation only, never routed).
 * Tests that must prove "a container cannot reach the host's network" (or "can, with egress") need such an
 * address; a machine without one is no reason to skip: a missing precondition (no `ip`, no CAP_NET_ADMIN) fails
 * the test with the reason.
 */

const run = promisify(execFile);

export interface NamespacedListener {
  /** The listener's address inside the namespace; reachable from the host through the veth pair. */
  address: string;
  port: number;
  /** The host side of the veth pair (the namespace's default gateway). */
  hostAddress: string;
  /** Connections the listener accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args, { timeout: 10_000 });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    const why = e.code === 'ENOENT' ? 'the `ip` command (iproute2) is not installed' : (e.stderr || e.message).trim();
    throw new Error(`cannot build the test's network (ip ${args.join(' ')}): ${why}. This test needs root or CAP_NET_ADMIN to create a network namespace.`);
  }
}

/** A /30 of 198.51.100.0/24 no interface uses yet (two suites may build their namespaces at the same time). */
async function freeSlash30(): Promise<number> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']).catch(() => ({ stdout: '' }));
  const used = new Set([...stdout.matchAll(/198\.51\.100\.(\d+)/g)].map((m) => Math.floor(Number(m[1]) / 4)));
  const free = Array.from({ length: 64 }, (_, i) => i).filter((i) => !used.has(i));
  if (!free.length) throw new Error('cannot build the test\'s network: every /30 of 198.51.100.0/24 is in use');
  return 4 * free[randomInt(0, free.length)];
}

// Answers each connection with one line and reports it on stdout, so the test can count what got through.
const LISTENER = `const net = require('net');
const server = net.createServer((s) => { process.stdout.write('accepted\\n'); s.end('reached the host\\n'); });
server.listen(0, process.argv[1], () => process.stdout.write('listening ' + server.address().port + '\\n'));`;

export async function startNamespacedListener(): Promise<NamespacedListener> {
  const id = randomBytes(3).toString('hex');
  const ns = `vsl-${id}`;
  const [hostIf, nsIf] = [`vslh${id}`, `vsln${id}`];
  const base = await freeSlash30();
  const hostAddress = `198.51.100.${base + 1}`;
  const address = `198.51.100.${base + 2}`;
  let child: ChildProcess | undefined;
  const teardown = async () => {
    child?.kill('SIGKILL');
    await ip('netns', 'del', ns).catch(() => undefined);
    await ip('link', 'del', hostIf).catch(() => undefined);
  };
  try {
    await ip('netns', 'add', ns);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', ns);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', nsIf);
    await ip('-n', ns, 'link', 'set', nsIf, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'route', 'add', 'default', 'via', hostAddress);
    const listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER, address], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = listener;
    let out = '';
    let err = '';
    const port = await new Promise<number>((resolve, reject) => {
      listener.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      listener.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      listener.once('exit', (code) => reject(new Error(`the listener in namespace ${ns} exited with ${code}: ${err.trim()}`)));
    });
    return {
      address,
      port,
      hostAddress,
      accepted: () => out.split('\n').filter((l) => l === 'accepted').length,
      close: teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}
