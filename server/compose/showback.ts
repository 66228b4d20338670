import { registerShowbackPaths } from '../showback/openapi';
import type { FunctionUsageSource } from '../showback/ports';
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

/**
 * Showback: the rate card, the billing-source drivers (FaaS usage, vCD usage, HTTP, metered queue), the collector
 * and the routes. FaaS usage meets showback here, through its FunctionUsageSource port (the functions feature's
 * reader); vCD usage through a service account.
 */
export interface ShowbackPart extends Part {
  /** Its reads: the provider's overview takes each org's summary from here. */
  service: ShowbackService;
}

export function composeShowback({ config, db, log }: ComposeContext, deps: { functionUsage: FunctionUsageSource }): ShowbackPart {
  const rateCard = new RateCardStore(db);
  const faas = new FaasBillingSource({ usage: deps.functionUsage, rateCard });
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
  const collector = new Collector({ db, drivers: { http, faas, metered, vcd }, log, retryBaseMs: config.showbackRetryBaseMs });
  const service = new ShowbackService({ db, queries: new ShowbackQueries(db), rateCard });
  let started = false;
  return {
    service,
    tenantRoutes: [{ path: '/showback', router: showbackRoutes({ service, collector }) }],
    openApiPaths: registerShowbackPaths,
    // TODO(replicas): showback schedules stay on a replica that lost the lease (the collector cannot pause); its runs are idempotent by natural key.
    async onLeaseAcquired() {
      if (started) return;
      started = true;
      await collector.start();
    },
    async close() {
      await collector.close();
      await metered?.close();
    },
  };
}
