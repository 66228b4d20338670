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

/** `podman system service` owned by the project: started if its socket does not answer, stopped on close. */
export class PodmanService {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(readonly paths: PodmanPaths) {}

  async start(): Promise<void> {
    if (await ping(this.paths.socketPath)) return;
    mkdirSync(this.paths.dataDir, { recursive: true });
    const child = spawn('podman', [...podmanArgs(this.paths), 'system', 'service', '--time=0', `unix://${this.paths.socketPath}`], {
      env: podmanEnv(this.paths),
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

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
}
