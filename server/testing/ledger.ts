import { mkdirSync, appendFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * The execution ledger of a fault test: "every call ran at most once, every answered call exactly once", checked
 * by identity instead of by counting activations.
 *
 * How to use it (the MQTT, async and alert fault tests are meant to reuse it as is):
 *   1. `const ledger = await startLedger()` — an HTTP listener of the test's own on 127.0.0.1:0.
 *   2. Make every execution report to it. Isolate functions have no I/O by design, so the report comes from the
 *      one door every execution passes: `IsolateRuntime.invoke`, wrapped by `server/testing/ledger-hook.ts`
 *      (`installLedgerHook(ledger.url)` for a backend in the test's process; `startBackendProcess(env,
 *      { ledgerUrl })` preloads it into a backend process). An invocation whose event carries `?ledger=<id>`
 *      (query) or `ledger` (a notification's or body's field) reports `start` before the function runs and `end`
 *      after it returned or threw; a process killed in between leaves a start without an end.
 *   3. Give each call a unique id (`ledger.id()`), send it, and `ledger.answered(id, status)` with what the caller got.
 *   4. Wait for the calls to be provably running (`await ledger.waitInFlight(n)`), then inject the fault inside
 *      `await ledger.fault(() => inject())`: it counts the calls running across the whole injection.
 *   5. `const v = ledger.verdict()`: `expect(v.problems).toEqual([])`, `expect(v.inFlightAtFault).toBeGreaterThan(0)`,
 *      and `ledger.report('<name>', v)` prints the line `npm test` shows (and keeps it in .test-results/faults.jsonl).
 */

export interface LedgerEntry {
  id: string;
  /** start: before the function ran; returned: it returned or threw; end: the backend has the outcome back. */
  event: 'start' | 'returned' | 'end';
  pid: number;
  at: number;
}

export interface Verdict {
  /** Calls (ids) running when fault() was called, and per process id. */
  inFlightAtFault: number;
  inFlightByPid: Record<number, number>;
  /** Answered (2xx) ids that ran exactly once. */
  answeredOnce: number;
  /** Ids the caller got a 504 for. */
  timedOut: number;
  /** Ids with more than one run. */
  ranTwice: string[];
  /** Runs cut short in a killed process (see verdict's `killed`). */
  interrupted: number;
  /** Every broken promise, said in words; empty when the guarantees held. */
  problems: string[];
  calls: number;
  statuses: Record<string, number>;
}

export interface Ledger {
  url: string;
  entries: LedgerEntry[];
  /** A fresh id for one call. */
  id(): string;
  starts(id: string): number;
  /** Ids started and not ended (optionally only those started by one process). */
  inFlight(pid?: number): string[];
  /** Resolves once at least `n` ids are in flight (of `pid`, when given); fails with what it saw after `timeoutMs`. */
  waitInFlight(n: number, options?: { pid?: number; timeoutMs?: number }): Promise<string[]>;
  /**
   * From now on a finished call's outcome is held in the backend (its `end` report is not answered) until
   * release(): calls stay in flight for as long as the test needs, however slow the fault is to inject.
   */
  hold(): void;
  release(): void;
  /** Resolves once every started id has ended (or the remaining ones belong to processes that are gone). */
  waitIdle(options?: { ignorePids?: number[]; timeoutMs?: number }): Promise<void>;
  /**
   * Injects the fault: the calls in flight at it are those running before `inject` began and still running when it
   * returned (a fault that takes a second, e.g. rabbitmqctl, is not credited with calls that ended meanwhile).
   */
  fault(inject: () => Promise<unknown>): Promise<string[]>;
  /** What the caller got for an id (HTTP status), and the id the answer's body names (it must be the same). */
  answered(id: string, status: number, echoed?: unknown): void;
  /** Work that is no function call (a build, a scale-out action) seen by the test itself: a start or end in `pid`. */
  observed(id: string, event: 'start' | 'end', pid: number): void;
  /** Sends one call with a fresh id, records its answer, and resolves with its status. */
  call(send: (id: string) => Promise<Response>): Promise<number>;
  /**
   * `killed`: processes the test killed. A run they started and never ended is counted as interrupted, not as a
   * run: use it only for calls that may run again by contract (a safe method after a kill -9).
   */
  verdict(options?: { killed?: number[] }): Verdict;
  /** Prints `fault <name>: ...` and appends it to .test-results/faults.jsonl for scripts/test.mjs. */
  report(name: string, verdict: Verdict, extra?: string): string;
  close(): Promise<void>;
}

const RESULTS = path.resolve(__dirname, '../../.test-results');

type Report = { id: string; event: 'start' | 'end'; pid: number };

/** Ids started and not ended in `list` (optionally only those of one process). */
function openOf(list: LedgerEntry[], pid?: number): string[] {
  const open = new Map<string, number>();
  for (const e of list) {
    if (pid !== undefined && e.pid !== pid) continue;
    if (e.event !== 'returned') open.set(e.id, (open.get(e.id) ?? 0) + (e.event === 'start' ? 1 : -1));
  }
  return [...open].filter(([, n]) => n > 0).map(([id]) => id);
}

async function poll<T>(what: () => string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`ledger: gave up waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

class ExecutionLedger implements Ledger {
  readonly entries: LedgerEntry[] = [];
  private readonly answers = new Map<string, number>();
  private readonly mismatches: string[] = [];
  private atFault?: { open: string[]; pidOf: Map<string, number> };
  private seq = 0;
  private holding = false;
  private readonly held: (() => void)[] = [];
  private readonly run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        this.onReport(JSON.parse(body) as Report, res);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  url = '';

  private onReport(report: Report, res: ServerResponse): void {
    const entry = (event: LedgerEntry['event']) => this.entries.push({ id: String(report.id), event, pid: Number(report.pid), at: Date.now() });
    if (report.event === 'start') {
      entry('start');
      res.writeHead(204).end();
      return;
    }
    entry('returned');
    // A held report whose process died meanwhile (kill -9) gets no `end`: that process never had the outcome back.
    let gone = false;
    res.on('close', () => (gone = !res.writableFinished));
    const answer = () => {
      if (gone || res.destroyed) return;
      entry('end');
      res.writeHead(204).end();
    };
    if (this.holding) this.held.push(answer);
    else answer();
  }

  id(): string {
    return `${this.run}-${++this.seq}`;
  }

  starts(id: string): number {
    return this.entries.filter((e) => e.id === id && e.event === 'start').length;
  }

  inFlight(pid?: number): string[] {
    return openOf(this.entries, pid);
  }

  waitInFlight(n: number, { pid, timeoutMs = 60_000 }: { pid?: number; timeoutMs?: number } = {}): Promise<string[]> {
    return poll(
      () => `${n} calls in flight${pid ? ` in process ${pid}` : ''} (saw ${this.inFlight(pid).length}, ${this.entries.length} ledger entries)`,
      () => (this.inFlight(pid).length >= n ? this.inFlight(pid) : undefined),
      timeoutMs,
    );
  }

  async waitIdle({ ignorePids = [], timeoutMs = 60_000 }: { ignorePids?: number[]; timeoutMs?: number } = {}): Promise<void> {
    const open = () => openOf(this.entries.filter((e) => !ignorePids.includes(e.pid)));
    await poll(() => `every started call to end (still running: ${open().join(', ')})`, () => (open().length === 0 ? true : undefined), timeoutMs);
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async fault(inject: () => Promise<unknown>): Promise<string[]> {
    const before = this.inFlight();
    // Which process ran each call when the fault came (a redelivery may start it elsewhere right after).
    const pidOf = new Map(this.entries.filter((e) => e.event === 'start').map((e) => [e.id, e.pid]));
    await inject();
    // Still open after the injection; a call that ended in a killed process is open by definition (no `end`).
    const after = new Set(this.inFlight());
    const open = before.filter((id) => after.has(id));
    this.atFault = { open, pidOf };
    return open;
  }

  answered(id: string, status: number, echoed?: unknown): void {
    this.answers.set(id, status);
    if (status >= 200 && status < 300 && echoed !== undefined && echoed !== id) this.mismatches.push(`${id} was answered with ${JSON.stringify(echoed)}'s answer`);
  }

  observed(id: string, event: 'start' | 'end', pid: number): void {
    this.entries.push({ id, event, pid, at: Date.now() });
  }

  async call(send: (id: string) => Promise<Response>): Promise<number> {
    const id = this.id();
    const res = await send(id);
    const text = await res.text();
    let echoed: unknown;
    try {
      echoed = (JSON.parse(text) as { ledger?: unknown }).ledger;
    } catch {
      echoed = undefined;
    }
    this.answered(id, res.status, res.status < 300 ? (echoed ?? null) : undefined);
    return res.status;
  }

  /** Runs of `id` a killed process started and never ended. */
  private cutShort(id: string, killed: number[]): number {
    return killed.reduce((n, pid) => {
      const mine = this.entries.filter((e) => e.id === id && e.pid === pid);
      return n + mine.filter((e) => e.event === 'start').length - mine.filter((e) => e.event === 'end').length;
    }, 0);
  }

  verdict({ killed = [] }: { killed?: number[] } = {}): Verdict {
    const problems: string[] = [...this.mismatches];
    const runs = (id: string) => this.starts(id) - this.cutShort(id, killed);
    const ids = new Set([...this.answers.keys(), ...this.entries.map((e) => e.id)]);
    const interrupted = [...ids].reduce((n, id) => n + this.cutShort(id, killed), 0);
    const ranTwice = [...ids].filter((id) => runs(id) > 1);
    for (const id of ranTwice) problems.push(`${id} ran ${runs(id)} times (answered ${this.answers.get(id) ?? 'nothing'})`);
    let answeredOnce = 0;
    let timedOut = 0;
    const statuses: Record<string, number> = {};
    for (const [id, status] of this.answers) {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 504) timedOut += 1;
      if (status >= 200 && status < 300 && runs(id) === 1) answeredOnce += 1;
      if (status >= 200 && status < 300 && runs(id) === 0) problems.push(`${id} was answered ${status} but never ran`);
    }
    for (const id of ids) if (!this.answers.has(id)) problems.push(`${id} ran but no call with that id was made`);
    if (!this.atFault) problems.push('fault() was never called: nothing says what was in flight');
    const open = this.atFault?.open ?? [];
    const inFlightByPid: Record<number, number> = {};
    for (const id of open) {
      const pid = this.atFault!.pidOf.get(id) as number;
      inFlightByPid[pid] = (inFlightByPid[pid] ?? 0) + 1;
    }
    return { inFlightAtFault: open.length, inFlightByPid, answeredOnce, timedOut, ranTwice, interrupted, problems, calls: this.answers.size, statuses };
  }

  report(name: string, v: Verdict, extra?: string): string {
    return reportFault(name, v, extra);
  }

  close(): Promise<void> {
    this.release();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startLedger(): Promise<Ledger> {
  const ledger = new ExecutionLedger();
  await new Promise<void>((resolve) => ledger.server.listen(0, '127.0.0.1', resolve));
  ledger.url = `http://127.0.0.1:${(ledger.server.address() as { port: number }).port}`;
  return ledger;
}

/** Prints the fault's line and appends it to .test-results/faults.jsonl, which scripts/test.mjs repeats in its summary. */
export function reportFault(name: string, v: Pick<Verdict, 'inFlightAtFault' | 'answeredOnce' | 'timedOut' | 'ranTwice'>, extra = ''): string {
  const line = faultLine(name, v, extra);
  process.stdout.write(`${line}\n`);
  mkdirSync(RESULTS, { recursive: true });
  appendFileSync(path.join(RESULTS, 'faults.jsonl'), `${JSON.stringify({ name, line, inFlight: v.inFlightAtFault, answeredOnce: v.answeredOnce, timedOut: v.timedOut, ranTwice: v.ranTwice.length })}\n`);
  return line;
}

/** A function that keeps its call running for `?ms=` (300 by default) and answers with its `?ledger=` id. */
export const SLOW_LEDGER_HANDLER = `module.exports = async (event) => {
  const end = Date.now() + Number(event.query.ms || 300);
  while (Date.now() < end) {}
  return { statusCode: 200, body: { ledger: event.query.ledger } };
};`;

/** The one line per fault `npm test` prints (issue 20). */
export function faultLine(name: string, v: Pick<Verdict, 'inFlightAtFault' | 'answeredOnce' | 'timedOut' | 'ranTwice'>, extra = ''): string {
  return `fault ${name}: ${v.inFlightAtFault} in flight at the fault, ${v.answeredOnce} answered once, ${v.timedOut} timed out, ${v.ranTwice.length} ran twice${extra}`;
}
