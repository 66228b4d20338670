import { createHash } from 'node:crypto';
import type { FunctionVersion } from './ports';
import type { SecretBox } from './secrets';
import type { VersionRecord } from './store';

/** What a version is run from: the stored fields a runtime needs, secrets still sealed. */
export type Runnable = Pick<VersionRecord, 'org' | 'name' | 'version' | 'runtime' | 'sandbox' | 'mode' | 'egress' | 'code' | 'memoryMb' | 'timeoutMs' | 'env' | 'secrets'>;

/** The warm-instance key: org, name, version and a hash of what runs, so replaced code never reuses an isolate. */
export function versionKey(r: Runnable): string {
  const digest = createHash('sha256')
    .update(`${r.runtime}\0${r.sandbox}\0${r.mode}\0${r.egress ? 'egress' : ''}\0${r.code}\0${r.memoryMb}\0${r.timeoutMs}\0${JSON.stringify(r.env)}\0${r.secrets ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return `${r.org}/${r.name}@${r.version}:${digest}`;
}

/**
 * Versions as the runtime runs them, for builds and calls alike: env with the opened secrets, cached per version key
 * so secrets are opened once per version and replica, not per call.
 */
export class RunnableVersions {
  private readonly envs = new Map<string, Record<string, string>>();

  constructor(private readonly secrets: SecretBox) {}

  of(r: Runnable): FunctionVersion {
    const key = versionKey(r);
    let env = this.envs.get(key);
    if (!env) {
      env = { ...r.env, ...this.secrets.open(r.secrets) };
      if (this.envs.size >= 1000) this.envs.clear();
      this.envs.set(key, env);
    }
    return { key, name: r.name, runtime: r.runtime, sandbox: r.sandbox, mode: r.mode ?? undefined, egress: r.egress, code: r.code, memoryMb: r.memoryMb, timeoutMs: r.timeoutMs, env };
  }
}
