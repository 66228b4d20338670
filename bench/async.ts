import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { Figures, percentile } from './figures';

const HANDLER = `module.exports = async (event) => ({ statusCode: 200, body: { got: event.body } });`;

/**
 * Queued calls (X-Invocation-Type: Event, issue 13) on the default store (PGlite) with the default settings: the
 * 202 answer, the call's end (its activation readable) counted from the request, and queued calls per second.
 */
export async function benchAsync(figures: Figures, { quick }: { quick: boolean }): Promise<void> {
  const n = quick ? 100 : 400;
  const burst = quick ? 300 : 2000;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-async-'));
  const mock = await startMockVcd({ port: 0 });
  // Every activation kept: the burst's end is when the function has them all.
  const backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent', activationsMaxPerFunction: 100_000 } as never);
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    const api = `${backend.url}/api/org/acme`;
    const created = await fetch(`${api}/faas/functions`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'queued', runtime: 'nodejs20', code: HANDLER, trigger: { type: 'http', route: 'queued' } }),
    });
    if (created.status !== 202) throw new Error(`create: ${created.status} ${await created.text()}`);
    while (((await (await fetch(`${api}/faas/functions/queued`, { headers: auth })).json()) as { status: string }).status !== 'ready') {
      await new Promise((r) => setTimeout(r, 5));
    }
    const enqueue = async (i: number): Promise<string> => {
      const res = await fetch(`${api}/queued`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'X-Invocation-Type': 'Event' }, body: JSON.stringify({ i }) });
      if (res.status !== 202) throw new Error(`enqueue: ${res.status} ${await res.text()}`);
      return res.headers.get('x-activation-id') as string;
    };
    const accepted: number[] = [];
    const ended: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const id = await enqueue(i);
      accepted.push(performance.now() - t0);
      // Polled every 2 ms: the figure includes up to that much of waiting.
      while ((await fetch(`${api}/faas/activations/${id}`, { headers: auth })).status !== 200) await new Promise((r) => setTimeout(r, 2));
      ended.push(performance.now() - t0);
    }
    accepted.sort((a, b) => a - b);
    ended.sort((a, b) => a - b);
    figures.add('invoke.async_enqueue.p50_ms', { value: percentile(accepted, 50), unit: 'ms', note: 'X-Invocation-Type: Event → 202, PGlite, one at a time' });
    figures.add('invoke.async_end_to_end.p50_ms', { value: percentile(ended, 50), unit: 'ms', note: 'request → its activation readable (polled every 2 ms)' });

    // Throughput: a burst queued 16 at a time, until the last of them has run.
    const t0 = performance.now();
    for (let i = 0; i < burst; i += 16) await Promise.all(Array.from({ length: Math.min(16, burst - i) }, (_, k) => enqueue(i + k)));
    const enqueued = performance.now() - t0;
    for (;;) {
      const page = (await (await fetch(`${api}/faas/functions/queued/activations?limit=1`, { headers: auth })).json()) as { total: number };
      if (page.total >= n + burst) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - t0) / 1000;
    figures.add('invoke.async_queued.rps', { value: burst / seconds, unit: 'req/s', note: `${burst} queued calls run (enqueued in ${Math.round(enqueued)} ms, ASYNC_CONCURRENCY 16)` });
  } finally {
    await backend.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
