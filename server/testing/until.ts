/**
 * Polls `probe` until it gives a value (not undefined) and returns it, or throws naming `what` once `timeoutMs`
 * have passed: for what a backend does in the background (a queued call's run, a dead letter).
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const { timeoutMs = 20_000, everyMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads until `ok` holds and returns that reading; bounded by the test's own timeout (a loaded machine is slow, not wrong). */
export async function untilOk<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
