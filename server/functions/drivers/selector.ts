import { defaultSandbox, runsIn } from '../../../contract/functions';
import { NotReady } from '../../errors';
import type { BuildResult, FunctionVersion, FunctionEvent, InvokeContext, InvokeResult, Runtime, SandboxAvailability } from '../ports';

const OFF = 'container functions are turned off on this installation (CONTAINER_ENGINE=off)';

/** A Runtime that hands each version to the runtime of its sandbox (the runtime's default when it has none it can run in). */
export class RuntimeSelector implements Runtime {
  constructor(
    private readonly isolate: Runtime,
    private readonly container: (Runtime & { availability?(): Promise<{ available: boolean; reason?: string }> }) | undefined,
  ) {}

  /** Which sandboxes can run here right now, and why not. */
  async sandboxes(): Promise<SandboxAvailability[]> {
    const container = this.container ? await (this.container.availability?.() ?? Promise.resolve({ available: true })) : { available: false, reason: OFF };
    return [{ sandbox: 'isolate', available: true }, { sandbox: 'container', ...container }];
  }

  private pick(fn: FunctionVersion): Runtime | undefined {
    const runtime = fn.runtime ?? 'nodejs20';
    const sandbox = fn.sandbox && runsIn(runtime, fn.sandbox) ? fn.sandbox : defaultSandbox(runtime);
    return sandbox === 'container' ? this.container : this.isolate;
  }

  build(fn: FunctionVersion): Promise<BuildResult> {
    const runtime = this.pick(fn);
    return runtime ? runtime.build(fn) : Promise.resolve({ ok: false, error: { message: OFF } });
  }

  invoke(fn: FunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    const runtime = this.pick(fn);
    if (!runtime) return Promise.reject(new NotReady(OFF));
    return runtime.invoke(fn, event, context);
  }

  prune(functionPrefix: string, keep: FunctionVersion[]): void {
    this.container?.prune?.(functionPrefix, keep);
  }

  evict(keyPrefix: string): void {
    this.isolate.evict(keyPrefix);
    this.container?.evict(keyPrefix);
  }

  async close(): Promise<void> {
    await Promise.all([this.isolate.close(), this.container?.close()]);
  }
}
