import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { AutoscaleService } from './service';
import type { RuleStore } from './store';

export interface PollerDeps {
  db: Db;
  rules: RuleStore;
  service: AutoscaleService;
  /** A vCD session of the backend's own (the configured autoscale user). */
  login: () => Promise<string>;
  log: Logger;
  tickMs?: number;
}

/**
 * The embedded default when no vROps sends alerts: evaluates each enabled rule once per evaluation window from vCD's
 * current VM metrics, with the backend's own vCD session (re-logged in after any failure).
 */
export class MetricPoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastPoll = new Map<string, number>();
  private token: string | undefined;
  private current: Promise<void> | undefined;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.current ??= this.tick().finally(() => (this.current = undefined));
    }, this.deps.tickMs ?? 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }

  private async tick(): Promise<void> {
    const { rows } = await this.deps.db.query<{ org: string; id: string }>(`SELECT org, id FROM autoscale_rules WHERE enabled ORDER BY org, id`);
    const now = Date.now();
    for (const { org, id } of rows) {
      const rule = await this.deps.rules.get(org, id);
      if (!rule || now - (this.lastPoll.get(id) ?? 0) < rule.evaluationSeconds * 1000) continue;
      this.lastPoll.set(id, now);
      try {
        this.token ??= await this.deps.login();
        await this.deps.service.evaluateRule(org, this.token, rule);
      } catch (err) {
        this.token = undefined;
        this.deps.log.warn({ org, rule: id, err: (err as Error).message }, 'autoscale poll failed');
      }
    }
  }
}
