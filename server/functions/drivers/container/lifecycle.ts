import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type Docker from 'dockerode';
import { AppError, Timeout, Upstream } from '../../../errors';
import type { FunctionEvent, InvokeContext, InvokeFailureDetails, InvokeResult } from '../../ports';
import { parseHandlerResult } from '../../response-policy';
import { OWNER_LABEL } from './podman-service';
import type { ContainerFunctionVersion, Instance } from './types';

export interface ContainerLifecycleOptions {
  docker: Docker;
  /** Each container's socket directory is made below `<dataDir>/sock`. */
  dataDir: string;
  cpus?: number;
  pidsLimit?: number;
  /** How long a new container may take to answer /health. */
  startTimeoutMs?: number;
  /** Labels every container (OWNER_LABEL): the Podman guard removes an owner's containers when that owner is gone. */
  owner: string;
  /** Runs a cleanup in the background (the runtime waits for these on close). */
  background: (p: Promise<unknown>) => void;
}

/** What the server in the container answers to POST /invoke (shims.ts). */
type Reply = { result?: unknown; badResult?: boolean; error?: { name: string; message: string; line?: number }; logs?: string[] };

const HEALTH_POLL_MS = 25;

function fail(err: AppError, details: InvokeFailureDetails): AppError {
  return Object.assign(err, details);
}

/** GET /health over the container's socket: true once its server answers. */
function healthy(socketPath: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const req = http.get({ socketPath, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** POST /invoke over the container's socket; rejects with Timeout past timeoutMs, or with the broken connection's error. */
function post(socketPath: string, payload: string, timeoutMs: number, timeoutMessage: string): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = http.request({ socketPath, path: '/invoke', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply);
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Timeout(timeoutMessage)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * One container's life: created from the version's image with the isolation of DESIGN §5 (uid 1000, read-only
 * rootfs, no network unless egress, memory = memory-swap, pids and CPU caps, all capabilities dropped), started,
 * called over the unix socket in its bind-mounted host directory, and removed with that directory.
 */
export class ContainerLifecycle {
  constructor(private readonly options: ContainerLifecycleOptions) {}

  /** Creates and starts a container of the image and waits until its server answers /health. */
  async start(fn: ContainerFunctionVersion, image: string): Promise<Instance> {
    const id = randomUUID();
    const dir = path.join(this.options.dataDir, 'sock', id.slice(0, 12));
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    let container: Docker.Container | undefined;
    try {
      container = await this.options.docker.createContainer(this.spec(fn, image, dir));
      await container.start();
      const instance: Instance = { id: container.id, container, socketPath: path.join(dir, 'fn.sock'), dir, lastUsed: Date.now() };
      await this.waitHealthy(fn, instance);
      return instance;
    } catch (err) {
      if (container) this.options.background(container.remove({ force: true }).catch(() => undefined));
      rmSync(dir, { recursive: true, force: true });
      if (err instanceof AppError) throw err;
      throw new Upstream(`function "${fn.name}" could not start its container: ${err instanceof Error ? err.message : String(err)}`, 'handler-error');
    }
  }

  private spec(fn: ContainerFunctionVersion, image: string, dir: string): Docker.ContainerCreateOptions {
    const memory = fn.memoryMb * 1024 * 1024;
    const cmd =
      (fn.runtime ?? 'nodejs20') === 'nodejs20'
        ? ['/usr/bin/node', `--max-old-space-size=${Math.max(16, Math.floor(fn.memoryMb * 0.75))}`, '/app/server.js']
        : ['/usr/bin/python3', '-u', '/app/server.py'];
    return {
      Image: image,
      Cmd: cmd,
      User: '1000:1000',
      WorkingDir: '/app',
      Env: Object.entries(fn.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { 'vcd-serverless.key': fn.key.slice(0, 200), [OWNER_LABEL]: this.options.owner },
      HostConfig: {
        NetworkMode: fn.egress ? 'bridge' : 'none',
        ReadonlyRootfs: true,
        Memory: memory,
        MemorySwap: memory,
        PidsLimit: this.options.pidsLimit ?? 64,
        NanoCpus: Math.round((this.options.cpus ?? 1) * 1e9),
        Binds: [`${dir}:/run/fn:rw`],
        Tmpfs: { '/tmp': 'rw,size=16m,mode=1777' },
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
      },
    };
  }

  private async waitHealthy(fn: ContainerFunctionVersion, instance: Instance): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 15_000);
    for (;;) {
      if (await healthy(instance.socketPath)) return;
      if (Date.now() > deadline) throw new Upstream(`function "${fn.name}" container did not become ready`, 'handler-error');
      const state = await instance.container.inspect().catch(() => undefined);
      if (state && !state.State.Running) {
        const logs = await instance.container.logs({ stdout: true, stderr: true, tail: 20 }).catch(() => Buffer.from(''));
        throw new Upstream(`function "${fn.name}" container exited (${state.State.ExitCode}) before it was ready: ${String(logs).slice(-500)}`, 'handler-error');
      }
      await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
    }
  }

  /** One call of the handler in the container: its result, or the handler's error, a bad result, a timeout or a death. */
  async call(fn: ContainerFunctionVersion, instance: Instance, event: FunctionEvent, context: InvokeContext, cold: boolean): Promise<InvokeResult> {
    const payload = JSON.stringify({ event, context: { ...context, env: fn.env ?? {} } });
    let reply: Reply;
    try {
      reply = await post(instance.socketPath, payload, fn.timeoutMs, `function "${fn.name}" did not answer within its timeout of ${fn.timeoutMs} ms`);
    } catch (err) {
      if (err instanceof Timeout) throw fail(err, { cold });
      throw fail(await this.whyDied(fn, instance), { cold });
    }
    const logs = reply.logs ?? [];
    if (reply.error) {
      const at = reply.error.line ? ` (${fn.runtime === 'python3' ? 'handler.py' : 'handler.js'}:${reply.error.line})` : '';
      throw fail(new Upstream(`function "${fn.name}" threw ${reply.error.name}: ${reply.error.message}${at}`, 'handler-error'), { logs, cold });
    }
    if (reply.badResult) throw fail(new Upstream(`function "${fn.name}" returned an answer that is not JSON`, 'bad-result'), { logs, cold });
    try {
      return { ...parseHandlerResult(fn.name, reply.result), logs };
    } catch (err) {
      throw fail(err as AppError, { logs, cold });
    }
  }

  /** The connection broke: out of memory (cgroup OOM kill or V8 heap abort), or the container stopped. */
  private async whyDied(fn: ContainerFunctionVersion, instance: Instance): Promise<AppError> {
    let state: Docker.ContainerInspectInfo | undefined;
    for (let i = 0; i < 40; i++) {
      state = await instance.container.inspect().catch(() => undefined);
      if (!state || !state.State.Running) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const s = state?.State;
    if (s && (s.OOMKilled || s.ExitCode === 134 || s.ExitCode === 137)) {
      return new Upstream(`function "${fn.name}" exceeded its memory limit of ${fn.memoryMb} MB`, 'memory-limit');
    }
    return new Upstream(`function "${fn.name}" was stopped during the call`, 'interrupted');
  }

  async remove(instance: Instance): Promise<void> {
    await instance.container.remove({ force: true, v: true }).catch(() => undefined);
    rmSync(instance.dir, { recursive: true, force: true });
  }
}
