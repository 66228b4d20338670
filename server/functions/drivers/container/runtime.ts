import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Docker from 'dockerode';
import { AppError, TooManyRequests, Timeout, Upstream } from '../../../errors';
import type { BuildResult, FunctionVersion, FunctionEvent, InvokeContext, InvokeFailureDetails, InvokeResult, Runtime } from '../../ports';
import { parseHandlerResult } from '../../response-policy';
import { BASE_IMAGES, ensureBaseImages, type BaseRuntime } from '../../../../podman/build-base-images';
import { PodmanService, type PodmanPaths } from './podman-service';
import { NODE_SERVER, PYTHON_SERVER } from './shims';
import { PYTHON_SYNTAX_CHECK, syntaxErrorOf } from './syntax';

/** A function version as the container runtime sees it: the port's fields plus runtime, mode and egress. */
export interface ContainerFunctionVersion extends FunctionVersion {
  runtime?: BaseRuntime;
  mode?: 'per-call' | 'warm';
  /** Outbound network allowed: the container joins Podman's default network; the gateway still talks over the socket. */
  egress?: boolean;
}

export interface ContainerRuntimeOptions {
  paths: PodmanPaths;
  /** Warm containers per function version at most. */
  maxWarm: number;
  /** Calls waiting for a warm container at most; one more is answered 429. */
  maxQueue: number;
  /** A warm (or pre-created per-call) container unused this long is removed: scale to zero. */
  idleMs: number;
  cpus?: number;
  pidsLimit?: number;
  /** How long a new container may take to answer /health. */
  startTimeoutMs?: number;
}

export type ContainerBuildResult = BuildResult & { log: string; image?: string };

interface Instance {
  id: string;
  container: Docker.Container;
  socketPath: string;
  dir: string;
  lastUsed: number;
}

interface WarmPool {
  idle: Instance[];
  total: number;
  waiters: Array<{ resolve: (i: Instance | undefined) => void }>;
}

const HEALTH_POLL_MS = 25;

function fail(err: AppError, details: InvokeFailureDetails): AppError {
  return Object.assign(err, details);
}

/**
 * Runs function versions in Podman containers through the Docker Engine API (DESIGN §5): one image per version built
 * FROM a registry-free base image; per-call (a container made ahead of each call, removed after it answered) or warm
 * (a queue per version, up to maxWarm containers, scale to zero after idleMs, 429 when the queue is full).
 * Containers run as uid 1000 with a read-only rootfs, no network (unless egress), memory, pids and CPU caps; the
 * gateway talks to each over a unix socket in a bind-mounted host directory.
 */
/** Image label naming the function (`org/name@`) a version's image was built for. */
const FUNCTION_LABEL = 'vcd-serverless.function';

/** `acme/hello@3:abcd` → `acme/hello@`: the function part of a version key. */
const functionPrefix = (key: string): string => key.slice(0, key.indexOf('@') + 1);

export class ContainerRuntime implements Runtime {
  readonly docker: Docker;
  private readonly service: PodmanService;
  private started: Promise<void> | undefined;
  private readonly images = new Map<string, Promise<ContainerBuildResult>>();
  private readonly spares = new Map<string, Promise<Instance>>();
  private readonly spareUsed = new Map<string, number>();
  private readonly pools = new Map<string, WarmPool>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: ContainerRuntimeOptions) {
    this.service = new PodmanService(options.paths);
    this.docker = new Docker({ socketPath: options.paths.socketPath });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(options.idleMs / 2, 5000)));
    this.sweeper.unref();
  }

  /** Starts (or reuses) the Podman service and builds missing base images. */
  ready(): Promise<void> {
    if (!this.started) {
      const starting = (async () => {
        await this.service.start();
        await ensureBaseImages(this.options.paths);
      })();
      // A failure (podman missing, socket not answering) is retried on the next build or call.
      starting.catch(() => this.started === starting && (this.started = undefined));
      this.started = starting;
    }
    return this.started;
  }

  private tagOf(fn: ContainerFunctionVersion): string {
    const hash = createHash('sha256').update(`${fn.key}\0${fn.runtime ?? 'nodejs20'}\0${fn.code}`).digest('hex').slice(0, 24);
    return `vcd-serverless-fn/${hash}`;
  }

  build(fn: ContainerFunctionVersion): Promise<ContainerBuildResult> {
    const tag = this.tagOf(fn);
    let built = this.images.get(tag);
    if (!built) {
      built = this.buildImage(fn, tag);
      this.images.set(tag, built);
      built.then((r) => !r.ok && this.images.delete(tag), () => this.images.delete(tag));
    }
    return built;
  }

  private async buildImage(fn: ContainerFunctionVersion, tag: string): Promise<ContainerBuildResult> {
    await this.ready();
    // Tags are content-addressed: an image left by an earlier run (a restart) is reused as is.
    const cached = await this.docker
      .getImage(tag)
      .inspect()
      .then(() => true, () => false);
    if (cached) return { ok: true, log: `image ${tag} already built\n`, image: tag };
    const runtime = fn.runtime ?? 'nodejs20';
    const dir = path.join(this.options.paths.dataDir, 'ctx', tag.replace('/', '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const isNode = runtime === 'nodejs20';
    const handler = isNode ? 'handler.js' : 'handler.py';
    const server = isNode ? 'server.js' : 'server.py';
    writeFileSync(path.join(dir, handler), fn.code);
    writeFileSync(path.join(dir, server), isNode ? NODE_SERVER : PYTHON_SERVER);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fn', private: true, main: handler }));
    if (!isNode) writeFileSync(path.join(dir, 'check.py'), PYTHON_SYNTAX_CHECK);
    const check = isNode
      ? ['RUN ["/usr/bin/node", "--check", "/app/handler.js"]']
      : ['COPY check.py /tmp/check.py', 'RUN ["/usr/bin/python3", "/tmp/check.py"]'];
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      [
        `FROM ${BASE_IMAGES[runtime]}`,
        // Which function the image belongs to, so its superseded versions' images can be found and pruned.
        `LABEL ${FUNCTION_LABEL}=${JSON.stringify(functionPrefix(fn.key))}`,
        `COPY ${handler} ${server} package.json /app/`,
        ...check,
        'USER 1000:1000',
        'WORKDIR /app',
        '',
      ].join('\n'),
    );
    const log: string[] = [];
    try {
      const stream = await this.docker.buildImage({ context: dir, src: ['Dockerfile', handler, server, 'package.json', ...(isNode ? [] : ['check.py'])] }, { t: tag, networkmode: 'none' } as Docker.ImageBuildOptions) as NodeJS.ReadableStream;
      const errors: string[] = [];
      await new Promise<void>((resolve, reject) =>
        this.docker.modem.followProgress(
          stream,
          (err) => (err ? reject(err) : resolve()),
          (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
            if (event.stream) log.push(event.stream);
            if (event.error) errors.push(event.errorDetail?.message ?? event.error);
          },
        ),
      );
      if (errors.length) return { ok: false, error: this.buildError(log.join(''), errors.join('\n'), handler), log: log.join('') };
      await this.docker.getImage(tag).inspect();
      return { ok: true, log: log.join(''), image: tag };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: this.buildError(log.join(''), message, handler), log: log.join('') + message };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The syntax error the check step printed, with its line and column when the log names them. */
  private buildError(log: string, fallback: string, handler: string): { message: string; line?: number; column?: number } {
    return syntaxErrorOf(log || fallback, fallback, handler);
  }

  async invoke(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    if (this.closed) throw new Upstream('the container runtime is closed', 'interrupted');
    const built = await this.build(fn);
    if (!built.ok) throw new Upstream(`function "${fn.name}" failed to build: ${built.error.message}`, 'handler-error');
    return (fn.mode ?? 'per-call') === 'warm' ? this.invokeWarm(fn, event, context) : this.invokePerCall(fn, event, context);
  }

  private async invokePerCall(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    const spare = this.spares.get(fn.key);
    this.spares.delete(fn.key);
    const cold = !spare;
    let instance: Instance;
    try {
      instance = spare ? await spare.catch(() => this.startInstance(fn)) : await this.startInstance(fn);
    } finally {
      this.prepareSpare(fn);
    }
    try {
      return { ...(await this.call(fn, instance, event, context, cold)), cold };
    } finally {
      this.background(this.remove(instance));
    }
  }

  /** Creates and starts the container for the next call of this version now, so that call does not wait for it. */
  private prepareSpare(fn: ContainerFunctionVersion): void {
    if (this.closed || this.spares.has(fn.key)) return;
    const next = this.startInstance(fn);
    next.catch(() => this.spares.get(fn.key) === next && this.spares.delete(fn.key));
    this.spares.set(fn.key, next);
    this.spareUsed.set(fn.key, Date.now());
  }

  private async invokeWarm(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    let pool = this.pools.get(fn.key);
    if (!pool) this.pools.set(fn.key, (pool = { idle: [], total: 0, waiters: [] }));
    let instance = pool.idle.pop();
    let cold = false;
    if (!instance) {
      if (pool.total < this.options.maxWarm) {
        pool.total++;
        cold = true;
        try {
          instance = await this.startInstance(fn);
        } catch (err) {
          pool.total--;
          this.handOver(fn.key, pool);
          throw err;
        }
      } else {
        if (pool.waiters.length >= this.options.maxQueue) {
          throw new TooManyRequests(`function "${fn.name}" is busy: ${this.options.maxWarm} containers and ${this.options.maxQueue} queued calls`, 1);
        }
        instance = await new Promise<Instance | undefined>((resolve) => pool!.waiters.push({ resolve }));
        if (!instance) return this.invokeWarm(fn, event, context);
      }
    }
    let healthy = false;
    try {
      const result = await this.call(fn, instance, event, context, cold);
      healthy = true;
      return { ...result, cold };
    } catch (err) {
      healthy = !(err instanceof Timeout) && !(err instanceof Upstream && ['memory-limit', 'interrupted'].includes(err.cause));
      throw err;
    } finally {
      if (healthy && !this.closed && this.pools.get(fn.key) === pool) {
        instance.lastUsed = Date.now();
        const waiter = pool.waiters.shift();
        if (waiter) waiter.resolve(instance);
        else pool.idle.push(instance);
      } else {
        pool.total--;
        this.background(this.remove(instance));
        this.handOver(fn.key, pool);
      }
    }
  }

  /** A slot freed: the next waiter starts a container of its own (resolve undefined → retry). */
  private handOver(_key: string, pool: WarmPool): void {
    pool.waiters.shift()?.resolve(undefined);
  }

  private async startInstance(fn: ContainerFunctionVersion): Promise<Instance> {
    const runtime = fn.runtime ?? 'nodejs20';
    const id = randomUUID();
    const dir = path.join(this.options.paths.dataDir, 'sock', id.slice(0, 12));
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const memory = fn.memoryMb * 1024 * 1024;
    const cmd =
      runtime === 'nodejs20'
        ? ['/usr/bin/node', `--max-old-space-size=${Math.max(16, Math.floor(fn.memoryMb * 0.75))}`, '/app/server.js']
        : ['/usr/bin/python3', '-u', '/app/server.py'];
    let container: Docker.Container | undefined;
    try {
      container = await this.docker.createContainer({
        Image: this.tagOf(fn),
        Cmd: cmd,
        User: '1000:1000',
        WorkingDir: '/app',
        Env: Object.entries(fn.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { 'vcd-serverless.key': fn.key.slice(0, 200) },
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
      });
      await container.start();
      const instance: Instance = { id: container.id, container, socketPath: path.join(dir, 'fn.sock'), dir, lastUsed: Date.now() };
      await this.waitHealthy(fn, instance);
      return instance;
    } catch (err) {
      if (container) this.background(container.remove({ force: true }).catch(() => undefined));
      rmSync(dir, { recursive: true, force: true });
      if (err instanceof AppError) throw err;
      throw new Upstream(`function "${fn.name}" could not start its container: ${err instanceof Error ? err.message : String(err)}`, 'handler-error');
    }
  }

  private async waitHealthy(fn: ContainerFunctionVersion, instance: Instance): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 15_000);
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get({ socketPath: instance.socketPath, path: '/health', timeout: 1000 }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Upstream(`function "${fn.name}" container did not become ready`, 'handler-error');
      const state = await instance.container.inspect().catch(() => undefined);
      if (state && !state.State.Running) {
        const logs = await instance.container.logs({ stdout: true, stderr: true, tail: 20 }).catch(() => Buffer.from(''));
        throw new Upstream(`function "${fn.name}" container exited (${state.State.ExitCode}) before it was ready: ${String(logs).slice(-500)}`, 'handler-error');
      }
      await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
    }
  }

  private async call(fn: ContainerFunctionVersion, instance: Instance, event: FunctionEvent, context: InvokeContext, cold: boolean): Promise<InvokeResult> {
    const payload = JSON.stringify({ event, context: { ...context, env: fn.env ?? {} } });
    type Reply = { result?: unknown; badResult?: boolean; error?: { name: string; message: string; line?: number }; logs?: string[] };
    let reply: Reply;
    try {
      reply = await new Promise<Reply>((resolve, reject) => {
        const req = http.request(
          { socketPath: instance.socketPath, path: '/invoke', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
          (res) => {
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
          },
        );
        const timer = setTimeout(() => {
          req.destroy(new Timeout(`function "${fn.name}" did not answer within its timeout of ${fn.timeoutMs} ms`));
        }, fn.timeoutMs);
        req.on('close', () => clearTimeout(timer));
        req.on('error', reject);
        req.end(payload);
      });
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

  private async remove(instance: Instance): Promise<void> {
    await instance.container.remove({ force: true, v: true }).catch(() => undefined);
    rmSync(instance.dir, { recursive: true, force: true });
  }

  private background(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Scale to zero: idle warm containers and unused per-call spares older than idleMs are removed. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, pool] of this.pools) {
      const keep = pool.idle.filter((i) => now - i.lastUsed < this.options.idleMs);
      for (const i of pool.idle) if (!keep.includes(i)) {
        pool.total--;
        this.background(this.remove(i));
      }
      pool.idle = keep;
      if (pool.total === 0 && pool.waiters.length === 0) this.pools.delete(key);
    }
    for (const [key, spare] of this.spares) {
      if (now - (this.spareUsed.get(key) ?? 0) >= this.options.idleMs) {
        this.spares.delete(key);
        this.spareUsed.delete(key);
        this.background(spare.then((i) => this.remove(i)));
      }
    }
  }

  /** Containers (warm or spare) of this version right now; for tests and the bench. */
  instances(key: string): number {
    return (this.pools.get(key)?.total ?? 0) + (this.spares.has(key) ? 1 : 0);
  }

  evict(keyPrefix: string): void {
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(keyPrefix)) continue;
      this.pools.delete(key);
      for (const i of pool.idle) this.background(this.remove(i));
      pool.idle = [];
    }
    for (const [key, spare] of this.spares) {
      if (!key.startsWith(keyPrefix)) continue;
      this.spares.delete(key);
      this.background(spare.then((i) => this.remove(i)));
    }
  }

  /** Removes the function images this runtime built or reused (tests; images are small layers over the base). */
  /** Tags of the images built for a function (`org/name@`), found by their label: also those of earlier runs. */
  async functionImages(prefix: string): Promise<string[]> {
    await this.ready();
    const images = await this.docker.listImages({ filters: { label: [`${FUNCTION_LABEL}=${prefix}`] } } as Docker.ListImagesOptions);
    // Podman names them with a registry prefix (docker.io/ or localhost/) and :latest; tagOf has neither.
    const tags = images.flatMap((i) => (i.RepoTags ?? []).map((t) => t.replace(/^(localhost|docker\.io)\//, '').replace(/:latest$/, '')));
    return tags.filter((t) => t.startsWith('vcd-serverless-fn/'));
  }

  /**
   * Removes the images of a function's versions but those kept (a superseded version, or every version of a deleted
   * function). Runs in the background; an image a container still uses stays until the next prune.
   */
  prune(prefix: string, keep: ContainerFunctionVersion[]): void {
    if (this.closed || !this.started) return;
    const kept = new Set(keep.map((fn) => this.tagOf(fn)));
    this.background(
      (async () => {
        for (const tag of await this.functionImages(prefix)) {
          if (kept.has(tag)) continue;
          this.images.delete(tag);
          await this.docker.getImage(tag).remove().catch(() => undefined);
        }
      })().catch(() => undefined),
    );
  }

  async removeImages(): Promise<void> {
    for (const tag of this.images.keys()) await this.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    this.images.clear();
  }

  /** Waits for background removals, then stops the Podman service if this runtime started it. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.evict('');
    await this.idle();
    await this.service.stop();
  }
}
