import type { Logger } from 'pino';
import { uuidOf } from '../vcd/infra';
import type { AutoscaleService } from './service';
import type { RuleStore } from './store';

/** One vApp's VM readings as vCD pushed them (its MQTT `metrics/{org}/{vApp}` topic). */
export interface PushedMetrics {
  vAppId: string;
  vms: { cpuPercent: number; memoryPercent: number }[];
}

export interface MetricPushDeps {
  rules: RuleStore;
  service: AutoscaleService;
  /** A vCD session of the backend's own, for the scale actions a decision starts. */
  login: () => Promise<string>;
  log: Logger;
}

/**
 * Autoscale's push source beside the poller: vCD's pushed VM metrics evaluate the rules of their vApp, each at most
 * once per its evaluation window, with the pushed averages instead of a read of vCD's metrics.
 */
export class MetricPush {
  private readonly lastEvaluated = new Map<string, number>();
  private token: string | undefined;

  constructor(private readonly deps: MetricPushDeps) {}

  async receive(m: PushedMetrics): Promise<void> {
    const rules = await this.deps.rules.enabledForVapp(uuidOf(m.vAppId).replace(/^vapp-/i, ''));
    const now = Date.now();
    for (const { org, rule } of rules) {
      if (now - (this.lastEvaluated.get(rule.id) ?? 0) < rule.evaluationSeconds * 1000) continue;
      this.lastEvaluated.set(rule.id, now);
      const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
      const observation = { cpuPercent: avg(m.vms.map((v) => v.cpuPercent)), memoryPercent: avg(m.vms.map((v) => v.memoryPercent)), vms: m.vms.length };
      try {
        this.token ??= await this.deps.login();
        await this.deps.service.evaluateRule(org, this.token, rule, observation);
      } catch (err) {
        this.token = undefined;
        this.deps.log.warn({ org, rule: rule.id, err: (err as Error).message }, 'autoscale evaluation of pushed metrics failed');
      }
    }
  }
}
