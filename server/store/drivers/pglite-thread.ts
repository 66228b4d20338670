import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/**
 * The worker side of openPgliteWorkerDb (pglite-worker.ts): owns the one PGlite of the data dir and answers the
 * main thread's statements in order, so the store's WASM work runs on another core than HTTP and the isolates'
 * dispatch. Still one writer: PGlite's own lock serialises statements and transactions as in process.
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: Record<string, unknown> };

/** What a driver error carries that callers read (code, constraint: isUniqueViolation and isUnstorableText). */
function errorOf(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: JSON.stringify(err) };
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { message: e.message };
  for (const key of ['code', 'constraint', 'detail', 'table', 'column', 'severity']) if (typeof e[key] === 'string') out[key] = e[key];
  return out;
}

async function serve(): Promise<void> {
  const port = parentPort!;
  let pg: PGlite;
  try {
    pg = await PGlite.create(workerData.dir as string);
  } catch (err) {
    port.postMessage({ id: 0, ok: false, error: errorOf(err) } satisfies Reply);
    return;
  }
  const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void }>();
  let nextTx = 1;
  const on = (req: Request): Promise<unknown> => {
    const q = (tx?: number) => (tx === undefined ? pg : open.get(tx)!.tx);
    switch (req.op) {
      case 'query':
        return q(req.tx).query(req.sql, req.params).then((r) => r.rows);
      case 'exec':
        return q(req.tx).exec(req.sql).then(() => undefined);
      case 'begin':
        return new Promise((started) => {
          const id = nextTx++;
          pg.transaction(
            (tx) =>
              new Promise<void>((done, rollback) => {
                open.set(id, { tx, end: (commit) => (commit ? done() : rollback(new Error('rolled back'))) });
                started(id);
              }),
          ).then(
            () => port.postMessage({ id: -id, ok: true } satisfies Reply),
            (err: unknown) => port.postMessage({ id: -id, ok: false, error: errorOf(err) } satisfies Reply),
          );
        });
      case 'end':
        open.get(req.tx)?.end(req.commit);
        open.delete(req.tx);
        return Promise.resolve();
      case 'close':
        return pg.close();
    }
  };
  port.on('message', (req: Request) => {
    on(req).then(
      (value) => port.postMessage({ id: req.id, ok: true, value } satisfies Reply),
      (err: unknown) => port.postMessage({ id: req.id, ok: false, error: errorOf(err) } satisfies Reply),
    );
  });
  port.postMessage({ id: 0, ok: true } satisfies Reply);
}

void serve();
