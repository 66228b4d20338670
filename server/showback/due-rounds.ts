import type { Logger } from 'pino';

export interface DueRoundsOptions<T> {
  /** Claims what is due now in the store (held from other replicas while this one works it). */
  claim(): Promise<T[]>;
  /** Milliseconds until the soonest pending item is due (0: now), null when none is pending. */
  nextDueInMs(): Promise<number | null>;
  log: Logger;
  /** Logged when a round fails, e.g. "showback alert delivery round failed". */
  failedMessage: string;
}

/**
 * The loop both alert outboxes share (the webhook delivery and the function hand-over): one round at a time in this
 * process, a kick during a round asks for one more after it, each round claims what is due and works it, and one
 * timer wakes the next round when the soonest pending item is due. An empty claim does not mean nothing is due: the
 * two outboxes lock the same alert row while they claim it, so the timer is set from the store, not from this round.
 */
export abstract class DueRounds<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly loop: DueRoundsOptions<T>) {}

  /** Works one claimed item; answers when to try it again (null: done, or out of attempts). */
  protected abstract work(item: T): Promise<number | null>;

  /** Works what is due now, in the background; a call while a round runs asks for another round after it. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err: Error) => this.loop.log.warn({ err: err.message }, this.loop.failedMessage))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the round in flight (tests, close). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  private async round(): Promise<void> {
    for (;;) {
      const due = await this.loop.claim();
      if (this.closed) return;
      if (!due.length) {
        // Nothing claimed: wake when the soonest pending one is due (one the other outbox held locked: shortly).
        const next = await this.loop.nextDueInMs();
        if (next !== null) this.wakeIn(Math.max(next, 200));
        return;
      }
      let soonest = Infinity;
      for (const item of due) {
        const retryIn = await this.work(item);
        if (retryIn !== null) soonest = Math.min(soonest, retryIn);
      }
      if (Number.isFinite(soonest)) this.wakeIn(soonest);
    }
  }

  /** One wake-up timer for the next round; the scheduled budget check also kicks (after a restart). */
  private wakeIn(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, ms + 5);
    this.timer.unref();
  }
}
