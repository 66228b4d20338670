import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { ALERT_EVENTS, type AlertEvent } from '../../contract/showback-budgets';
import { hostAllowed } from './allowlist';
import { plainAlert, type AlertRow, type BudgetStore } from './budget-store';
import { DueRounds } from './due-rounds';
import type { SecretSealer } from './ports';

export interface AlertDeliveryOptions {
  store: BudgetStore;
  sealer: SecretSealer;
  /** Hosts webhooks may be sent to (SHOWBACK_WEBHOOK_ALLOWED_HOSTS), checked again at each send. */
  allowedHosts: string[];
  log: Logger;
  /** First retry after this, doubling; attempts in all (the first included). */
  retryBaseMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: receivers recompute it with the org's secret. */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends recorded alerts to their webhook: a signed JSON POST, each attempt journalled, retried with exponential
 * backoff until `maxAttempts`, then marked failed. Due alerts are claimed in the store, so replicas never send one
 * twice at once and a restart picks up what was pending.
 */
export class AlertDelivery extends DueRounds<AlertRow> {
  constructor(private readonly options: AlertDeliveryOptions) {
    super({
      claim: () => options.store.claimDue((options.timeoutMs ?? 10_000) + 5_000),
      nextDueInMs: () => options.store.nextDueInMs('deliveries'),
      log: options.log,
      failedMessage: 'showback alert delivery round failed',
    });
  }

  protected work(alert: AlertRow): Promise<number | null> {
    return this.attempt(alert);
  }

  private get retryBaseMs() {
    return this.options.retryBaseMs ?? 30_000;
  }

  /** Sends one alert once; returns when to retry (null: delivered or out of attempts). */
  private async attempt(alert: AlertRow): Promise<number | null> {
    const { store, log } = this.options;
    const url = alert.webhook_url as string;
    const started = Date.now();
    const { status, error } = await this.send(alert, url);
    const ok = error === null;
    const attempt = alert.attempts + 1;
    const retryInMs = ok || attempt >= (this.options.maxAttempts ?? 5) ? null : this.retryBaseMs * 2 ** (attempt - 1);
    await store.recordAttempt(alert, { url, status, error, durationMs: Date.now() - started }, { ok, retryInMs });
    if (!ok) log.warn({ org: alert.org, alert: alert.id, attempt, err: error, retryInMs }, 'showback alert webhook failed');
    return ok ? null : retryInMs;
  }

  private async send(alert: AlertRow, url: string): Promise<{ status: number | null; error: string | null }> {
    const { store, sealer } = this.options;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { status: null, error: 'the webhook URL is not a URL' };
    }
    // The allowlist may have shrunk since the budget was saved.
    if (!hostAllowed(target, this.options.allowedHosts)) return { status: null, error: `host ${target.host} is no longer in SHOWBACK_WEBHOOK_ALLOWED_HOSTS` };
    const sealed = await store.webhookSecret(alert.org);
    if (!sealed) return { status: null, error: 'the organization has no webhook secret (POST showback/webhook-secret)' };
    const event = { type: ALERT_EVENTS[alert.kind], alert: plainAlert(alert) } as AlertEvent;
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        redirect: 'error',
        signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'vcd-serverless-showback',
          'X-Showback-Delivery': alert.id,
          'X-Showback-Timestamp': timestamp,
          'X-Showback-Signature': signDelivery(sealer.open(sealed), timestamp, body),
        },
        body,
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? { status: res.status, error: null } : { status: res.status, error: `the receiver answered HTTP ${res.status}` };
    } catch (err) {
      if (signal.aborted) return { status: null, error: `the receiver did not answer within ${timeoutMs} ms` };
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { status: null, error: `the receiver is unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
    }
  }
}
