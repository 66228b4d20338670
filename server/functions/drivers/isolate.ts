import ivm from 'isolated-vm';
import { Timeout, Upstream } from '../../errors';
import { parseHandlerResult } from '../response-policy';
import type { BuildError, BuildResult, FunctionVersion, FunctionEvent, InvokeContext, InvokeFailureDetails, InvokeResult, Runtime } from '../ports';

const FILENAME = 'handler.js';
const MAX_LOG_LINES = 100;
const MAX_LOG_LINE_CHARS = 2000;

/** CommonJS globals and a console that records into the isolate; read back with each call's result. */
const PRELUDE = `
globalThis.module = { exports: {} };
globalThis.exports = globalThis.module.exports;
(() => {
  const logs = [];
  const fmt = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return String(v.stack || v);
    try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
  };
  const record = (level) => (...args) => {
    if (logs.length >= ${MAX_LOG_LINES}) return;
    logs.push((level + ' ' + args.map(fmt).join(' ')).slice(0, ${MAX_LOG_LINE_CHARS}));
  };
  globalThis.console = { log: record('info'), info: record('info'), debug: record('debug'), warn: record('warn'), error: record('error') };
  Object.defineProperty(globalThis, '__drainLogs', { value: () => logs.splice(0), enumerable: false });
})();
`;

/**
 * Calls the handler; a throw or an unserialisable result comes back in-band, so logs survive it. Compiled once per
 * warm context and called by reference: compiling it per call (evalClosure) cost as much CPU as the rest of the
 * boundary (issue 16: ~210 vs ~105 µs per hello call, measured side by side). The event goes in as a structured copy:
 * a JSON string parsed inside or an ExternalCopy transferred in measured no cheaper.
 */
const CALL = `
(async function (event, context) {
  globalThis.__drainLogs();
  const out = {};
  try {
    const result = await globalThis.module.exports(event, context);
    out.result = JSON.parse(JSON.stringify(result === undefined ? null : result));
  } catch (e) {
    out.error = { name: (e && e.name) || 'Error', message: String((e && e.message) || e), stack: String((e && e.stack) || '') };
  }
  out.logs = globalThis.__drainLogs();
  return JSON.stringify(out);
})
`;

interface Instance {
  isolate: ivm.Isolate;
  context: ivm.Context;
  /** CALL in this context: one function version's context only, so nothing is shared between versions. */
  call: ivm.Reference<(event: unknown, context: unknown) => Promise<string>>;
}

interface Warm extends Instance {
  lastUsed: number;
}

interface CallOutcome {
  result?: unknown;
  error?: { name: string; message: string; stack: string };
  logs: string[];
}

/** Attaches what the activation record needs to an invoke error (InvokeFailureDetails). */
function withDetails(err: unknown, details: InvokeFailureDetails): unknown {
  return typeof err === 'object' && err !== null ? Object.assign(err, details) : err;
}

/** "Unexpected token ',' [handler.js:2:16]" or a stack frame "handler.js:2:16" → line and column. */
export function locateError(err: unknown): BuildError {
  const e = err as { name?: string; message?: string; stack?: string };
  const message = String(e?.message ?? err);
  const where = /\[handler\.js:(\d+):(\d+)\]/.exec(message) ?? new RegExp(`${FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(e?.stack ?? '');
  const clean = message.replace(/\s*\[handler\.js:\d+:\d+\]\s*$/, '');
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return { message: name + clean, ...(where ? { line: Number(where[1]), column: Number(where[2]) } : {}) };
}

/**
 * isolated-vm runtime (DESIGN §5): one isolate per function version with a memory limit and a timeout, no fs, net,
 * process or require (a bare V8 context has none); warm isolates are kept until idle or evicted.
 */
export class IsolateRuntime implements Runtime {
  private readonly warm = new Map<string, Promise<Warm>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { idleMs?: number; maxWarm?: number } = {}) {
    const idleMs = options.idleMs ?? 5 * 60_000;
    this.sweeper = setInterval(() => this.sweep(idleMs), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  async build(fn: FunctionVersion): Promise<BuildResult> {
    let isolate: ivm.Isolate | undefined;
    try {
      const instance = await this.instantiate(fn);
      isolate = instance.isolate;
      const type = await instance.context.eval('typeof globalThis.module.exports', { copy: true, timeout: fn.timeoutMs });
      if (type !== 'function') {
        return { ok: false, error: { message: `module.exports must be a function (async (event, context) => response), got ${type}` } };
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, error: locateError(err) };
    } finally {
      if (isolate && !isolate.isDisposed) isolate.dispose();
    }
  }

  async invoke(fn: FunctionVersion, event: FunctionEvent, context: InvokeContext): Promise<InvokeResult> {
    const cold = !this.warm.has(fn.key);
    const w = await this.acquire(fn).catch((err: unknown) => {
      throw withDetails(err, { cold: true });
    });
    w.lastUsed = Date.now();
    const call = w.call.apply(undefined, [event, { ...context, env: { ...fn.env } }], {
      arguments: { copy: true },
      result: { promise: true, copy: true },
      timeout: fn.timeoutMs,
    }) as unknown as Promise<string>;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`function "${fn.name}" did not answer within its timeout of ${fn.timeoutMs} ms`)), fn.timeoutMs);
    });
    let raw: string;
    try {
      raw = await Promise.race([call, deadline]);
    } catch (err) {
      throw withDetails(this.failure(fn, w, err), { cold });
    } finally {
      clearTimeout(timer);
    }
    const outcome = JSON.parse(raw) as CallOutcome;
    try {
      return { ...this.response(fn, outcome), cold };
    } catch (err) {
      throw withDetails(err, { cold, logs: outcome.logs });
    }
  }

  /** V8 heap held by the warm isolates (isolated-vm's own statistics): what each warm function costs the host. */
  async heapStatistics(): Promise<{ warm: number; heapBytes: number }> {
    const warm = await Promise.all([...this.warm.values()].map((w) => w.catch(() => undefined)));
    let heapBytes = 0;
    let count = 0;
    for (const w of warm) {
      if (!w || w.isolate.isDisposed) continue;
      const stats = await w.isolate.getHeapStatistics();
      heapBytes += stats.total_heap_size + stats.externally_allocated_size;
      count += 1;
    }
    return { warm: count, heapBytes };
  }

  evict(keyPrefix: string): void {
    for (const key of [...this.warm.keys()]) if (key.startsWith(keyPrefix)) this.drop(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const key of [...this.warm.keys()]) this.drop(key);
  }

  private async instantiate(fn: FunctionVersion): Promise<Instance> {
    const isolate = new ivm.Isolate({ memoryLimit: fn.memoryMb });
    try {
      const context = await isolate.createContext();
      await context.eval(PRELUDE);
      const script = await isolate.compileScript(fn.code, { filename: FILENAME });
      await script.run(context, { timeout: fn.timeoutMs });
      const call = (await context.eval(CALL, { reference: true })) as Instance['call'];
      return { isolate, context, call };
    } catch (err) {
      if (!isolate.isDisposed) isolate.dispose();
      throw err;
    }
  }

  private acquire(fn: FunctionVersion): Promise<Warm> {
    let entry = this.warm.get(fn.key);
    if (!entry) {
      entry = this.instantiate(fn).then((instance) => ({ ...instance, lastUsed: Date.now() }));
      this.warm.set(fn.key, entry);
      entry.catch(() => this.warm.delete(fn.key));
      this.trim();
    }
    return entry.catch((err) => {
      throw new Upstream(`function "${fn.name}" failed to start: ${locateError(err).message}`, 'handler-error');
    });
  }

  /** Classifies a call that did not come back in-band; a timed-out or exhausted isolate is thrown away. */
  private failure(fn: FunctionVersion, w: Warm, err: unknown): Error {
    const message = String((err as Error)?.message ?? err);
    const disposed = w.isolate.isDisposed;
    if (err instanceof Timeout || /timed out/i.test(message)) {
      this.discard(fn.key, w);
      return err instanceof Timeout ? err : new Timeout(`function "${fn.name}" did not answer within its timeout of ${fn.timeoutMs} ms`);
    }
    if (/memory limit/i.test(message)) {
      this.discard(fn.key, w);
      return new Upstream(`function "${fn.name}" exceeded its memory limit of ${fn.memoryMb} MB`, 'memory-limit');
    }
    if (disposed) {
      this.discard(fn.key, w);
      return new Upstream(`function "${fn.name}" was stopped during the call`, 'interrupted');
    }
    return new Upstream(`function "${fn.name}" failed: ${message}`, 'handler-error');
  }

  private response(fn: FunctionVersion, outcome: CallOutcome): InvokeResult {
    if (outcome.error) {
      const where = locateError(outcome.error);
      const at = where.line ? ` (handler.js:${where.line}:${where.column})` : '';
      throw new Upstream(`function "${fn.name}" threw ${outcome.error.name}: ${outcome.error.message}${at}`, 'handler-error');
    }
    return { ...parseHandlerResult(fn.name, outcome.result), logs: outcome.logs };
  }

  private discard(key: string, w: Warm): void {
    if (!w.isolate.isDisposed) w.isolate.dispose();
    void this.warm.get(key)?.then((current) => {
      if (current === w) this.warm.delete(key);
    });
  }

  private drop(key: string): void {
    const entry = this.warm.get(key);
    this.warm.delete(key);
    void entry?.then((w) => !w.isolate.isDisposed && w.isolate.dispose(), () => undefined);
  }

  private trim(): void {
    const max = this.options.maxWarm ?? 256;
    while (this.warm.size > max) this.drop(this.warm.keys().next().value as string);
  }

  private sweep(idleMs: number): void {
    const now = Date.now();
    for (const [key, entry] of this.warm) {
      void entry.then((w) => now - w.lastUsed > idleMs && this.warm.get(key) === entry && this.drop(key), () => undefined);
    }
  }
}
