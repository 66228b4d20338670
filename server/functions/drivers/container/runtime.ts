import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { Upstream } from '../../../errors';
import type { FunctionEvent, InvokeContext, InvokeResult, Runtime } from '../../ports';
import { ensureBaseImages } from './base-images';
import { FunctionImages } from './images';
import { ContainerLifecycle } from './lifecycle';
import { ping, PodmanService, type PodmanPaths } from './podman-service';
import { SpareContainers } from './spares';
import type { ContainerBuildResult, ContainerFunctionVersion, Instance } from './types';
import { WarmPools } from './warm-pool';

export type { ContainerBuildResult, ContainerFunctionVersion } from './types';

/** What a provider does about a container runtime that cannot start. */
const unavailable = (why: string) =>
  `the container runtime is not available: ${why}. Install Podman on the backend's machine (e.g. apt-get install podman), ` +
  'or set CONTAINER_SOCKET to a running Podman or Docker API socket; CONTAINER_ENGINE=off turns container functions off';

/** True when an executable of that name is on PATH. */
function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
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

/**
 * Runs function versions in Podman containers through the Docker Engine API (DESIGN §5): one image per version
 * (images.ts); per-call (a container made ahead of each call, spares.ts, removed after it answered) or warm (a
 * queue per version, warm-pool.ts); each container's life and calls in lifecycle.ts. This class wires them to the
 * Runtime port, starts the project's Podman service on first use and waits for background removals on close.
 */
export class ContainerRuntime implements Runtime {
  readonly docker: Docker;
  private readonly service: PodmanService;
  private readonly images: FunctionImages;
  private readonly containers: ContainerLifecycle;
  private readonly spares: SpareContainers;
  private readonly warm: WarmPools;
  private started: Promise<void> | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly pending = new Set<Promise<unknown>>();
  /** Calls running now: close waits for them, so the containers they release are removed too. */
  private readonly calls = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: ContainerRuntimeOptions) {
    const { paths, idleMs } = options;
    // Every container this runtime makes carries its owner id, so what a crash left can be found and removed.
    const owner = randomUUID();
    this.service = new PodmanService(paths, { owner });
    this.docker = new Docker({ socketPath: paths.socketPath });
    const background = (p: Promise<unknown>) => this.background(p);
    this.images = new FunctionImages({ docker: this.docker, dataDir: paths.dataDir, ready: () => this.ready() });
    this.containers = new ContainerLifecycle({ ...options, docker: this.docker, dataDir: paths.dataDir, owner, background });
    const start = (fn: ContainerFunctionVersion) => this.containers.start(fn, this.images.tagOf(fn));
    const drop = (i: Instance | Promise<Instance>) => this.background(Promise.resolve(i).then((instance) => this.containers.remove(instance)));
    this.spares = new SpareContainers({ start, drop, idleMs });
    this.warm = new WarmPools({ start, drop, idleMs, maxWarm: options.maxWarm, maxQueue: options.maxQueue });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(idleMs / 2, 5000)));
    this.sweeper.unref();
  }

  /** Starts (or reuses) the Podman service and builds missing base images. */
  ready(): Promise<void> {
    if (!this.started) {
      const starting = (async () => {
        await this.service.start();
        await ensureBaseImages(this.service.paths);
      })();
      // A failure (podman missing, socket not answering) is retried on the next build or call.
      starting.catch(() => this.started === starting && (this.started = undefined));
      this.started = starting;
    }
    return this.started;
  }

  /**
   * A build where Podman cannot start ends failed, saying what to install (not initializing for good: the reason
   * would only be in the server log).
   */
  async build(fn: ContainerFunctionVersion): Promise<ContainerBuildResult> {
    try {
      await this.ready();
    } catch (err) {
      const message = unavailable((err as Error).message);
      return { ok: false, error: { message }, log: `version build failed: ${message}` };
    }
    return this.images.build(fn);
  }

  /** Whether container functions can run here, and if not why (GET .../faas/runtimes; the create form shows it). */
  async availability(): Promise<{ available: boolean; reason?: string }> {
    if (await ping(this.service.paths.socketPath)) return { available: true };
    if (!onPath('podman')) return { available: false, reason: unavailable('podman is not installed on the backend\'s machine') };
    return { available: true };
  }

  invoke(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    if (this.closed) return Promise.reject(new Upstream('the container runtime is closed', 'interrupted'));
    const call = this.invokeBuilt(fn, event, context);
    const tracked = call.catch(() => undefined).finally(() => this.calls.delete(tracked));
    this.calls.add(tracked);
    return call;
  }

  private async invokeBuilt(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    const built = await this.build(fn);
    if (!built.ok) throw new Upstream(`function "${fn.name}" failed to build: ${built.error.message}`, 'handler-error');
    if ((fn.mode ?? 'per-call') === 'warm') return this.warm.run(fn, (instance, cold) => this.containers.call(fn, instance, event, context, cold));
    return this.invokePerCall(fn, event, context);
  }

  /** A container per call: the spare prepared after the previous call (warm start) or a new one (cold). */
  private async invokePerCall(fn: ContainerFunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    const spare = this.spares.take(fn.key);
    const cold = !spare;
    let instance: Instance;
    try {
      instance = spare ? await spare.catch(() => this.containers.start(fn, this.images.tagOf(fn))) : await this.containers.start(fn, this.images.tagOf(fn));
    } finally {
      this.spares.prepare(fn);
    }
    try {
      return { ...(await this.containers.call(fn, instance, event, context, cold)), cold };
    } finally {
      this.background(this.containers.remove(instance));
    }
  }

  private background(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Scale to zero: idle warm containers and unused per-call spares older than idleMs are removed. */
  private sweep(): void {
    const now = Date.now();
    this.warm.sweep(now);
    this.spares.sweep(now);
  }

  /** Containers (warm or spare) of this version right now; for tests and the bench. */
  instances(key: string): number {
    return this.warm.total(key) + (this.spares.has(key) ? 1 : 0);
  }

  evict(keyPrefix: string): void {
    this.warm.evict(keyPrefix);
    this.spares.evict(keyPrefix);
  }

  /** Tags of the images built for a function (`org/name@`), found by their label: also those of earlier runs. */
  functionImages(prefix: string): Promise<string[]> {
    return this.images.list(prefix);
  }

  /**
   * Removes the images of a function's versions but those kept (a superseded version, or every version of a deleted
   * function). Runs in the background; an image a container still uses stays until the next prune.
   */
  prune(prefix: string, keep: ContainerFunctionVersion[]): void {
    if (this.closed || !this.started) return;
    this.background(this.images.prune(prefix, keep));
  }

  /** Removes the function images this runtime built or reused (tests; images are small layers over the base). */
  removeImages(): Promise<void> {
    return this.images.removeAll();
  }

  /** Resolves when the background removals (and prunes) started so far have finished. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Removes every container of this runtime, then stops the Podman service if this runtime started it. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.warm.close();
    this.spares.close();
    await Promise.all([...this.calls]);
    await this.idle();
    await this.service.stop();
  }
}
