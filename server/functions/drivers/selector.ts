import { NotReady } from '../../errors';
import type { BuildResult, FunctionVersion, FunctionEvent, InvokeContext, InvokeResult, Runtime } from '../ports';

const OFF = 'container functions are turned off on this installation (CONTAINER_ENGINE=off)';

/** A Runtime that hands each version to the runtime of its sandbox: isolate (default) or container (when configured). */
export class RuntimeSelector implements Runtime {
  constructor(
    private readonly isolate: Runtime,
    private readonly container: Runtime | undefined,
  ) {}

  private pick(fn: FunctionVersion): Runtime | undefined {
    return fn.sandbox === 'container' || fn.runtime === 'python3' ? this.container : this.isolate;
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
