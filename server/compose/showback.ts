import { Cron } from 'croner';
import { loadSecretsKey, SecretBox } from '../functions/secrets';
import { AlertDelivery } from '../showback/alert-delivery';
import { CostAnomalies } from '../showback/anomaly-check';
import { AnomalyStore } from '../showback/anomaly-store';
import { hostList } from '../showback/allowlist';
import { BudgetStore } from '../showback/budget-store';
import { Budgets } from '../showback/budgets';
import { registerShowbackPaths } from '../showback/openapi';
import { AlertFunctionRuns } from '../showback/alert-functions';
import type { AlertFunctions, FunctionUsageSource } from '../showback/ports';
import { Collector } from '../showback/collector';
import { FaasBillingSource } from '../showback/drivers/faas-usage';
import { HttpBillingSource } from '../showback/drivers/http-source';
import { MeteredBillingSource } from '../showback/drivers/metered-source';
import { VcdUsageBillingSource } from '../showback/drivers/vcd-usage';
import { ShowbackQueries } from '../showback/queries';
import { RateCardStore } from '../showback/ratecard';
import { showbackRoutes } from '../showback/routes';
import { ShowbackService } from '../showback/service';
import { createVcdInfra } from '../vcd/infra';
import { createServiceAccountUsage, createVcdUsageReader } from '../vcd/usage';
import type { ComposeContext, Part } from './part';
import { orgReadCache } from './store';

/**
 * Showback: the rate card, the billing-source drivers (FaaS usage, vCD usage, HTTP, metered queue), the collector
 * and the routes. FaaS usage meets showback here, through its FunctionUsageSource port (the functions feature's
 * reader), and budget alerts reach functions through the AlertFunctions port (its product events); vCD usage through
 * a service account.
 */
export interface ShowbackPart extends Part {
  /** Its reads: the provider's overview takes each org's summary from here. */
  service: ShowbackService;
}

export function composeShowback(context: ComposeContext, deps: { functionUsage: FunctionUsageSource; alertFunctions: AlertFunctions }): ShowbackPart {
  const { config, db, log } = context;
  const rateCard = new RateCardStore(db);
  const drivers = composeBillingSources(context, rateCard, deps.functionUsage);
  const { metered } = drivers;
  const queries = new ShowbackQueries(db);
  const cache = orgReadCache(config, db, 'showback');
  const budgets = composeBudgets({ config, db, log }, queries, deps.alertFunctions);
  const collector = new Collector({
    db,
    drivers,
    log,
    retryBaseMs: config.showbackRetryBaseMs,
    // The budget and the anomaly check after each run; one failing does not keep the other from running.
    afterRun: async (org) => {
      const failed = (await Promise.allSettled([budgets.budgets.check(org), budgets.anomalies.check(org)])).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    cache,
  });
  const service = new ShowbackService({ db, queries, rateCard, cache });
  const checks = leaseChecks(context, budgets);
  let started = false;
  return {
    service,
    tenantRoutes: [{ path: '/showback', router: showbackRoutes({ service, collector, budgets: budgets.budgets, anomalies: budgets.anomalies }) }],
    openApiPaths: registerShowbackPaths,
    // TODO(replicas): showback schedules stay on a replica that lost the lease (the collector cannot pause); its runs are idempotent by natural key.
    async onLeaseAcquired() {
      checks.start();
      budgets.delivery.kick();
      budgets.functionRuns.kick();
      if (started) return;
      started = true;
      await collector.start();
    },
    async onLeaseLost() {
      checks.stop();
    },
    async close() {
      await checks.close();
      await collector.close();
      await budgets.delivery.close();
      await budgets.functionRuns.close();
      await metered?.close();
    },
  };
}

/**
 * The lease holder's scheduled checks: the budget check (which also delivers what was pending when a replica
 * stopped) and the daily anomaly check. A check after each collector run happens wherever the run ran; the store's
 * unique keys keep each alert and anomaly single.
 */
function leaseChecks({ config, log }: ComposeContext, budgets: ReturnType<typeof composeBudgets>) {
  let crons: Cron[] = [];
  const running = new Set<Promise<void>>();
  const every = (schedule: string, what: string, check: () => Promise<unknown>) =>
    new Cron(schedule, { timezone: 'UTC', protect: true }, async () => {
      const run = check().then(
        () => undefined,
        (err: Error) => log.warn({ err: err.message }, `showback ${what} check failed`),
      );
      running.add(run);
      await run.finally(() => running.delete(run));
    });
  return {
    start() {
      if (crons.length) return;
      crons = [
        every(config.showbackBudgetCheckSchedule, 'budget', () => budgets.budgets.checkAll()),
        every(config.showbackAnomalyCheckSchedule, 'anomaly', () => budgets.anomalies.checkAll()),
      ];
    },
    stop() {
      for (const c of crons) c.stop();
      crons = [];
    },
    async close() {
      this.stop();
      await Promise.all(running);
    },
  };
}

/** The billing-source drivers: FaaS usage (through the functions feature's port), vCD usage (with a service account), HTTP, the metered queue. */
function composeBillingSources({ config, db, log }: ComposeContext, rateCard: RateCardStore, functionUsage: FunctionUsageSource) {
  const faas = new FaasBillingSource({ usage: functionUsage, rateCard });
  const metered = config.showbackAmqpUrl ? new MeteredBillingSource({ url: config.showbackAmqpUrl, rateCard, log }) : undefined;
  const { showbackVcdUser: usageUser, showbackVcdPassword: usagePassword } = config;
  const vcd =
    usageUser && usagePassword
      ? new VcdUsageBillingSource({
          db,
          rateCard,
          inventory: createServiceAccountUsage({
            reader: createVcdUsageReader({ vcdUrl: config.vcdUrl }),
            login: () => createVcdInfra({ vcdUrl: config.vcdUrl }).login(usageUser, usagePassword),
          }),
        })
      : undefined;
  const http = new HttpBillingSource({
    allowedHosts: [new URL(config.vcdUrl).host, ...config.showbackHttpAllowedHosts.split(',')],
    maxBytes: config.showbackHttpMaxBytes,
    timeoutMs: config.showbackHttpTimeoutMs,
  });
  return { http, faas, metered, vcd };
}

/** Budgets, cost anomalies and their alerts' delivery: the webhook secret is sealed with the backend's secrets key (as function secrets are). */
function composeBudgets(
  { config, db, log }: ComposeContext,
  queries: ShowbackQueries,
  functions: AlertFunctions,
): { budgets: Budgets; anomalies: CostAnomalies; delivery: AlertDelivery; functionRuns: AlertFunctionRuns } {
  const box = new SecretBox(loadSecretsKey(config));
  const sealer = { seal: (plain: string) => box.seal({ secret: plain }) as string, open: (sealed: string) => box.open(sealed).secret };
  const store = new BudgetStore(db);
  const webhookHosts = hostList(config.showbackWebhookAllowedHosts);
  const delivery = new AlertDelivery({ store, sealer, allowedHosts: webhookHosts, log, retryBaseMs: config.showbackWebhookRetryBaseMs });
  const functionRuns = new AlertFunctionRuns({ store, functions, log, retryBaseMs: config.showbackWebhookRetryBaseMs });
  const currencyOf = (org: string) => queries.currency(org);
  const budgets = new Budgets({ store, delivery, functionRuns, functions, sealer, webhookHosts, currencyOf, log });
  const anomalies = new CostAnomalies({
    store: new AnomalyStore(db),
    currencyOf,
    delivery,
    functionRuns,
    functions,
    webhookHosts,
    ensureSecret: (org) => budgets.ensureSecret(org),
    log,
  });
  return { budgets, anomalies, delivery, functionRuns };
}
