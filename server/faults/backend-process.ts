import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Harness } from '../testing/harness';

const root = path.resolve(__dirname, '../..');

/** The backend as its own OS process (`node server/main.ts`), so a test can kill -9 it like a crash would. */
export interface BackendProcess {
  url: string;
  child: ChildProcess;
  pid: number;
  /** SIGKILL: no close handlers, no flushing; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  output(): string;
}

/**
 * `ledgerUrl`: every isolate invocation carrying a ledger id reports to that ledger (server/testing/ledger-hook.ts).
 * `preload`: test-only modules (paths from the repository root) loaded before the backend, e.g. a negative control
 * that removes a guarantee (server/testing/without-job-leases.ts).
 */
export async function startBackendProcess(env: Record<string, string>, options: { ledgerUrl?: string; preload?: string[] } = {}): Promise<BackendProcess> {
  const modules = [...(options.ledgerUrl ? ['server/testing/ledger-hook.ts'] : []), ...(options.preload ?? [])];
  const preload = modules.flatMap((m) => ['--import', path.join(root, m)]);
  // node itself with tsx's loader (not the tsx wrapper, which would outlive the kill's target).
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', ...preload, path.join(root, 'server/main.ts')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env, ...(options.ledgerUrl ? { LEDGER_URL: options.ledgerUrl } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"backend listening"/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`backend exited with ${code} before listening:\n${out.slice(-2000)}`)));
  });
  return {
    url,
    child,
    pid: child.pid as number,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A second replica of the harness's backend: its PostgreSQL, its data dir (the replicas share secrets.key, as
 * replicas of one database must), the same vCD; no container engine. */
export function replicaEnv(harness: Pick<Harness, 'store' | 'mock'>): Record<string, string> {
  return {
    DATABASE_URL: harness.store.overrides.databaseUrl as string,
    DATA_DIR: harness.store.overrides.dataDir as string,
    VCD_URL: harness.mock.url,
    CONTAINER_ENGINE: 'off',
  };
}
