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
