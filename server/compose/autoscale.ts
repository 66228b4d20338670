import { registerAutoscalePaths } from '../autoscale/openapi';
import { ScaleExecutor } from '../autoscale/executor';
import type { HookFunctions } from '../autoscale/hooks';
import { MetricPoller } from '../autoscale/poller';
import { MetricPush, type PushedMetrics } from '../autoscale/push';
import { autoscaleRoutes } from '../autoscale/routes';
import { AutoscaleService } from '../autoscale/service';
import { SnmpAlertReceiver } from '../autoscale/snmp-receiver';
import { RuleJournal } from '../autoscale/journal';
import { RuleStore } from '../autoscale/store';
import { createVcdInfra } from '../vcd/infra';
import type { ComposeContext, Part } from './part';

/**
 * Autoscale: rules, the executor (with its retries and orphan reload), the metric poller (on the lease holder) and
 * the vROps SNMP trap receiver, both with the service account; without one neither runs.
 */
export function composeAutoscale({ config, db, log }: ComposeContext, ports: { maxVmsOf?: (org: string) => Promise<number>; hookFunctions?: HookFunctions } = {}): Part & { pushMetrics(m: PushedMetrics): Promise<void> } {
  const vcdInfra = createVcdInfra({ vcdUrl: config.vcdUrl });
  const rules = new RuleStore(db);
  const scaler = new ScaleExecutor({ db, rules, vcd: vcdInfra, log, hooks: ports.hookFunctions, retries: config.autoscaleRetries, retryBaseMs: config.autoscaleRetryBaseMs });
  const service = new AutoscaleService({ store: rules, journal: new RuleJournal(db), vcd: vcdInfra, executor: scaler, log, maxVmsOf: ports.maxVmsOf, hookFunctions: ports.hookFunctions });
  const { autoscaleVcdUser: pollUser, autoscaleVcdPassword: pollPassword } = config;
  const login = () => vcdInfra.login(pollUser as string, pollPassword as string);
  const poller = pollUser && pollPassword ? new MetricPoller({ db, rules, service, login, log }) : undefined;
  // vROps traps carry no tenant session: they are evaluated with the same service account as the poller.
  const { autoscaleSnmpPort: trapPort, autoscaleSnmpCommunity: community } = config;
  const traps =
    trapPort && community && pollUser && pollPassword
      ? new SnmpAlertReceiver({
          port: trapPort,
          address: config.autoscaleSnmpAddress,
          community,
          onAlert: async (alert) => {
            await service.receiveUnscopedAlert(alert, login);
          },
          log,
        })
      : undefined;
  // vCD's pushed VM metrics (its MQTT bus): scale actions with the events account, else the poller's.
  const pushUser = config.vcdEventsUser ?? pollUser;
  const pushPassword = config.vcdEventsUser ? config.vcdEventsPassword : pollPassword;
  const push = pushUser && pushPassword ? new MetricPush({ rules, service, login: () => vcdInfra.login(pushUser, pushPassword), log }) : undefined;
  return {
    pushMetrics: async (m) => push?.receive(m),
    tenantRoutes: [{ path: '/autoscale', router: autoscaleRoutes(service) }],
    openApiPaths: registerAutoscalePaths,
    async start() {
      await scaler.loadOrphans();
      traps?.start();
    },
    async onLeaseAcquired() {
      poller?.start();
    },
    async onLeaseLost() {
      await poller?.close();
    },
    async close() {
      await poller?.close();
      await traps?.close();
      await scaler.close();
    },
  };
}
