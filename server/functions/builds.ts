import type { Logger } from 'pino';
import type { BuildResult, Runtime } from './ports';
import type { RouteCache } from './route-cache';
import type { RunnableVersions } from './runnable';
import type { FunctionStore, VersionRecord } from './store';

export interface FunctionBuildsDeps {
  store: Pick<FunctionStore, 'finishBuild' | 'listInitializing'>;
  runtime: Runtime;
  versions: RunnableVersions;
  /** Cleared for the org after each build: the serving version may have changed. */
  routes: RouteCache;
  log: Logger;
}

/**
 * Builds of function versions, in the background after the request that made the version: the outcome lands on
 * the version (and on the function when it serves now); superseded versions lose their warm instances and images.
 */
export class FunctionBuilds {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: FunctionBuildsDeps) {}

  /** Builds the version after the current request has been answered; a crash is logged, never thrown. */
  schedule(v: VersionRecord): void {
    const build = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.build(v))
      .catch((err) => this.deps.log.error({ err, org: v.org, function: v.name, version: v.version }, 'function build crashed'))
      .finally(() => this.running.delete(build));
    this.running.add(build);
  }

  /** Builds every version left initializing, e.g. by a stop during its build. */
  async resume(): Promise<number> {
    const pending = await this.deps.store.listInitializing();
    for (const v of pending) this.schedule(v);
    return pending.length;
  }

  /** Resolves when the builds started so far have finished (graceful close). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async build(v: VersionRecord): Promise<void> {
    // A runtime that throws (instead of answering a failed build) still ends the build: failed, with its reason.
    const result: BuildResult = await this.deps.runtime.build(this.deps.versions.of(v)).catch((err: unknown) => ({
      ok: false as const,
      error: { message: `the build crashed: ${err instanceof Error ? err.message : String(err)}` },
    }));
    const given = (result as { log?: string }).log;
    const where = (e: { line?: number; column?: number }) => (e.line ? ` (handler.js:${e.line}:${e.column})` : '');
    const outcome = result.ok
      ? { status: 'ready' as const, log: given ?? `version ${v.version} built: module.exports is a handler` }
      : { status: 'failed' as const, error: result.error, log: given ?? `version ${v.version} failed to build: ${result.error.message}${where(result.error)}` };
    const after = await this.deps.store.finishBuild(v, outcome);
    this.deps.routes.forgetOrg(v.org);
    if (!after) return;
    if (outcome.status === 'ready' && after.version === v.version) {
      // The new version serves now: drop the warm instances of the others and the images of superseded versions
      // (a rollback to one rebuilds it on its first call).
      this.deps.runtime.evict(`${v.org}/${v.name}@`);
      this.deps.runtime.prune?.(`${v.org}/${v.name}@`, [this.deps.versions.of(v)]);
    }
    this.deps.log.info(
      { org: v.org, function: v.name, version: v.version, status: outcome.status, serving: after.version, error: outcome.error?.message },
      'function built',
    );
  }
}
