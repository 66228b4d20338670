import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, Queryable } from '../db';
import type { Reply, Request } from './pglite-thread';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A driver error as the main thread sees it: the message and the fields callers read (code, constraint). */
function rebuilt(error: Record<string, unknown>): Error {
  return Object.assign(new Error(String(error.message)), error);
}

/**
 * The embedded store (PGlite in `<dataDir>/pglite`, as openPgliteDb) run in a worker thread (PGLITE_WORKER=1): the
 * statements cross a message port, the WASM work runs beside the main thread instead of on it. One worker, one
 * PGlite: still the only writer of the data dir.
 */
export async function openPgliteWorkerDb(options: { dataDir: string }): Promise<Db> {
  const dir = path.join(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  // The backend runs its TypeScript through tsx (scripts/serve.ts); the worker registers tsx's require hook itself,
  // since --import loader hooks do not reach a worker thread on Node 20.
  const thread = path.join(__dirname, 'pglite-thread.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(thread)});`, { eval: true, workerData: { dir } });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  worker.on('message', (reply: Reply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(rebuilt(reply.error));
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const wait = (id: number) => new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
  const call = (req: Call): Promise<unknown> => {
    const id = nextId++;
    const answer = wait(id);
    worker.postMessage({ ...req, id });
    return answer;
  };
  try {
    await wait(0);
  } catch (err) {
    await worker.terminate();
    throw new Error(`the embedded database in ${dir} could not be opened (${(err as Error).message}); move the folder away or set DATA_DIR to another one`);
  }
  const queryable = (tx?: number): Queryable => ({
    query: async <T>(sql: string, params: unknown[] = []) => ({ rows: (await call({ op: 'query', sql, params, tx })) as T[] }),
    exec: async (sql: string) => {
      await call({ op: 'exec', sql, tx });
    },
  });
  return {
    ...queryable(),
    async transaction(work) {
      const tx = (await call({ op: 'begin' })) as number;
      // The worker answers the transaction's end under -tx once PGlite committed or rolled back.
      const ended = wait(-tx);
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(queryable(tx));
      } catch (err) {
        await call({ op: 'end', tx, commit: false });
        await ended.catch(() => undefined);
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      await ended;
      return result;
    },
    async close() {
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
}
