import type { Logger } from 'pino';
import { ALERT_EVENTS } from '../../contract/showback-budgets';
import { plainAlert, type AlertRow, type BudgetStore } from './budget-store';
import { DueRounds } from './due-rounds';
import type { AlertFunctions } from './ports';

export interface AlertFunctionRunsOptions {
  store: BudgetStore;
  functions: AlertFunctions;
  log: Logger;
  /** First retry after this, doubling; hand-overs in all (the first included). */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** How long a claimed alert is held from other replicas while its functions run. */
  holdMs?: number;
}

/**
 * Hands recorded alerts to the org's functions subscribed to their event source (showback/budget.threshold, or
 * showback/cost.anomaly for an anomaly's alert), or to the one function the budget (the anomaly settings) names.
 * Like the webhook delivery, due alerts are claimed in the store (one replica at a time; a restart picks up what
 * was pending), and the functions feature runs each function once per alert id, so a hand-over repeated after a
 * crash runs nothing twice. A function refused for now (its org's calls used up) is tried again with backoff.
 */
export class AlertFunctionRuns extends DueRounds<AlertRow> {
  constructor(private readonly options: AlertFunctionRunsOptions) {
    super({
      claim: () => options.store.claimFunctionsDue(options.holdMs ?? 120_000),
      nextDueInMs: () => options.store.nextDueInMs('functions'),
      log: options.log,
      failedMessage: 'showback alert functions round failed',
    });
  }

  protected work(alert: AlertRow): Promise<number | null> {
    return this.handOver(alert);
  }

  /** Runs the alert's functions once; returns when to try again (null: done or out of attempts). */
  private async handOver(alert: AlertRow): Promise<number | null> {
    const { store, functions, log } = this.options;
    const plain = plainAlert(alert);
    const event = { type: ALERT_EVENTS[alert.kind], eventId: alert.id, org: alert.org, timestamp: plain.createdAt, alert: plain };
    let ran: string[] = [];
    let error: string | null = null;
    try {
      const outcome = await functions.deliver(event, alert.function_name ?? undefined);
      ran = outcome.ran;
      if (outcome.retry.length) error = `refused for now, tried again later: ${outcome.retry.join(', ')}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const attempt = alert.function_attempts + 1;
    const retryInMs = (this.options.retryBaseMs ?? 30_000) * 2 ** (attempt - 1);
    const state = error === null ? 'done' : attempt >= (this.options.maxAttempts ?? 8) ? 'failed' : 'pending';
    await store.recordFunctions(alert, ran, { state, retryInMs, error });
    if (error) log.warn({ org: alert.org, alert: alert.id, attempt, err: error }, 'showback alert functions not all run');
    return state === 'pending' ? retryInMs : null;
  }
}
