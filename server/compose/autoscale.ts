import { registerAutoscalePaths } from '../autoscale/openapi';
import { ScaleExecutor } from '../autoscale/executor';
import type { SpendPort } from '../autoscale/budget';
import type { HookFunctions } from '../autoscale/hooks';
import { MetricPoller } from '../autoscale/poller';
import { MetricPush, type PushedMetrics } from '../autoscale/push';
import { autoscaleRoutes } from '../autoscale/routes';
import { AutoscaleService } from '../autoscale/service';
import { SnmpAlertReceiver } from '../autoscale/snmp-receiver';
import { RuleJournal } from '../autoscale/journal';
import { RuleStore } from '../autoscale/store';
import { VropsGroups } from '../autoscale/vrops-groups';
import { registerVropsGroupPaths, vropsGroupRoutes } from '../autoscale/vrops-routes';
import { createVcdInfra } from '../vcd/infra';
import { createSuiteApi } from '../vrops/suite-api';
import { AlertConsumer } from '../transport/amqp/alert-consumer';
import { AmqpAlertSchema, alertKey, amqpAlertHandler } from '../autoscale/amqp-alerts';
import type { ComposeContext, Part } from './part';
import { orgReadCache } from './store';

/**
 * Autoscale: rules, the executor (with its retries and orphan reload), the metric poller (on the lease holder) and
 * the vROps SNMP trap receiver, both with the service account; without one neither runs.
 */
export function composeAutoscale(context: ComposeContext, ports: { maxVmsOf?: (org: string) => Promise<number>; hookFunctions?: HookFunctions; spend?: SpendPort } = {}): Part & { pushMetrics(m: PushedMetrics): Promise<void> } {
  const { config, db, log } = context;
  const vcdInfra = createVcdInfra({ vcdUrl: config.vcdUrl });
  const rules = new RuleStore(db, orgReadCache(config, db, 'autoscale'));
  const { vropsUrl, vropsUser, vropsPassword, vropsAuthSource } = config;
  const vrops = vropsUrl && vropsUser && vropsPassword ? createSuiteApi({ url: vropsUrl, username: vropsUser, password: vropsPassword, authSource: vropsAuthSource }) : undefined;
  const groups = new VropsGroups({ port: vrops, rules, log });
  const scaler = new ScaleExecutor({ db, rules, vcd: vcdInfra, log, retries: config.autoscaleRetries, retryBaseMs: config.autoscaleRetryBaseMs, groups, hooks: ports.hookFunctions });
  const service = new AutoscaleService({ store: rules, journal: new RuleJournal(db), vcd: vcdInfra, executor: scaler, log, maxVmsOf: ports.maxVmsOf, groups, hookFunctions: ports.hookFunctions, spend: ports.spend });
  const { autoscaleVcdUser: pollUser, autoscaleVcdPassword: pollPassword } = config;
  const login = () => vcdInfra.login(pollUser as string, pollPassword as string);
  const poller = pollUser && pollPassword ? new MetricPoller({ db, rules, service, login, log }) : undefined;
  const { traps, queued } = composeAlertIntake(context, service, pollUser && pollPassword ? login : undefined);
  // vCD's pushed VM metrics (its MQTT bus): scale actions with the events account, else the poller's.
  const pushUser = config.vcdEventsUser ?? pollUser;
  const pushPassword = config.vcdEventsUser ? config.vcdEventsPassword : pollPassword;
  const push = pushUser && pushPassword ? new MetricPush({ rules, service, login: () => vcdInfra.login(pushUser, pushPassword), log }) : undefined;
  return {
    pushMetrics: async (m) => push?.receive(m),
    tenantRoutes: [
      { path: '/autoscale', router: autoscaleRoutes(service) },
      { path: '/autoscale', router: vropsGroupRoutes(groups) },
    ],
    openApiPaths: (registry, common) => {
      registerAutoscalePaths(registry, common);
      registerVropsGroupPaths(registry, common);
    },
    async start() {
      await scaler.loadOrphans();
      traps?.start();
      await queued?.start();
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
      await queued?.close();
      await scaler.close();
    },
  };
}

/**
 * Alerts that name no tenant session: vROps's SNMP traps and alerts over AMQP (both off by default), evaluated with the
 * poller's service account (`login`); without one neither runs.
 */
function composeAlertIntake({ config, log }: ComposeContext, service: AutoscaleService, login: (() => Promise<string>) | undefined) {
  const { autoscaleSnmpPort: trapPort, autoscaleSnmpCommunity: community } = config;
  const traps =
    trapPort && community && login
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
  const queued =
    config.autoscaleAlertsAmqpUrl && login
      ? new AlertConsumer({
          url: config.autoscaleAlertsAmqpUrl,
          connectionName: 'vcd-serverless-autoscale',
          queue: config.autoscaleAlertsQueue,
          schema: AmqpAlertSchema,
          keyOf: alertKey,
          handle: amqpAlertHandler(service, login),
          log,
        })
      : undefined;
  return { traps, queued };
}
