import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** Where the project's Podman keeps everything: storage, run state and the API socket (nothing global is touched). */
export interface PodmanPaths {
  dataDir: string;
  socketPath: string;
  confPath: string;
}

export function podmanPaths(dataDir: string, socketPath?: string): PodmanPaths {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    socketPath: socketPath ?? path.join(dir, 'podman.sock'),
    confPath: path.resolve(__dirname, '../../../../podman/containers.conf'),
  };
}

/** Global podman flags pinning storage to the project's data dir. */
export function podmanArgs(p: PodmanPaths): string[] {
  return ['--root', path.join(p.dataDir, 'root'), '--runroot', path.join(p.dataDir, 'run'), '--storage-driver', 'overlay'];
}

export function podmanEnv(p: PodmanPaths): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF: p.confPath };
}

export function ping(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Container label naming the runtime that made the container (a random id per runtime). */
export const OWNER_LABEL = 'vcd-serverless.owner';

/**
 * A small shell that outlives nothing: it waits for end of file on its stdin, a pipe from the backend, which comes
 * when the backend stops the service or dies (even by SIGKILL, which runs no close handler). Then it removes the
 * containers of its owner with the podman CLI and stops the service it was given. $1 owner, $2 service pid or
 * empty, the rest podman's global flags.
 */
const GUARD = `owner=$1; service=$2; shift 2
cat >/dev/null
ids=$(podman "$@" ps -aq --filter "label=${OWNER_LABEL}=$owner" 2>/dev/null)
[ -n "$ids" ] && podman "$@" rm -f -v $ids >/dev/null 2>&1
[ -n "$service" ] && kill -TERM "$service" 2>/dev/null
exit 0`;

/**
 * `podman system service` owned by the project: started if its socket does not answer, stopped on close. A guard
 * process (GUARD) ends what the backend started when the backend ends without closing: its containers, and the
 * service if it started it (the service runs with --time=0 and would otherwise stay up for good).
 */
export class PodmanService {
  private child: ChildProcess | undefined;
  private guard: ChildProcess | undefined;
  private unguard: (() => void) | undefined;
  private stderr = '';

  constructor(
    readonly paths: PodmanPaths,
    private readonly options: { owner: string },
  ) {}

  async start(): Promise<void> {
    if (!(await ping(this.paths.socketPath))) await this.spawnService();
    this.spawnGuard();
  }

  private async spawnService(): Promise<void> {
    mkdirSync(this.paths.dataDir, { recursive: true });
    const child = spawn('podman', [...podmanArgs(this.paths), 'system', 'service', '--time=0', `unix://${this.paths.socketPath}`], {
      env: podmanEnv(this.paths),
      // conmon, started by the service, writes an "oom" file into its working directory when a container is
      // OOM-killed: in the data dir, not in whatever directory the backend was started from.
      cwd: this.paths.dataDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`podman could not start: ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`podman system service exited (${code}): ${this.stderr.trim()}`)));
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (await Promise.race([ping(this.paths.socketPath), exited])) return;
      if (Date.now() > deadline) throw new Error(`podman socket ${this.paths.socketPath} did not answer /_ping: ${this.stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private spawnGuard(): void {
    if (this.guard) return;
    const service = this.child?.pid ? String(this.child.pid) : '';
    // Its own process group: a Ctrl-C in the terminal reaches the backend, which closes, and not the guard.
    const guard = spawn('sh', ['-c', GUARD, 'guard', this.options.owner, service, ...podmanArgs(this.paths)], {
      env: podmanEnv(this.paths),
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    guard.on('error', () => undefined);
    guard.stdin?.on('error', () => undefined);
    // A service that went away by itself: its pid may be reused, so the guard must not signal it any more.
    this.unguard = () => guard.kill();
    this.child?.once('exit', this.unguard);
    this.guard = guard;
  }

  /** Ends the guard (it removes what this owner left, nothing after a close), then the service if this started it. */
  async stop(): Promise<void> {
    const [child, guard] = [this.child, this.guard];
    this.child = undefined;
    this.guard = undefined;
    if (this.unguard) child?.off('exit', this.unguard);
    await untilExit(guard, () => guard?.stdin?.end(), 10_000);
    await untilExit(child, () => child?.kill('SIGTERM'), 5000);
  }
}

/** Asks a child process to end and resolves when it has; SIGKILL when it did not within graceMs. */
function untilExit(child: ChildProcess | undefined, ask: () => void, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    ask();
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}
