import { readFileSync } from 'node:fs';
import path from 'node:path';
import { autoscaleOrgFigures } from '../autoscale/figures';
import { transportOf } from '../config';
import type { LimitsService } from '../provider/limits';
import { registerLimitsPaths } from '../provider/limits-openapi';
import { providerLimitsRoutes, tenantLimitsRoutes } from '../provider/limits-routes';
import { registerProviderPaths } from '../provider/openapi';
import { providerRoutes } from '../provider/routes';
import { ProviderService } from '../provider/service';
import type { FunctionFigures } from '../provider/ports';
import type { ShowbackService } from '../showback/service';
import { showbackOrgFigures } from '../showback/figures';
import { migrationLevel } from '../store/migrate';
import { createVcdOrgDirectory } from '../vcd/orgs';
import type { ComposeContext, Part } from './part';

/** package.json is the one place a version is set (the image carries it beside server/). */
const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

/**
 * The provider's side (issue 18): the tenants overview. It reads no feature's tables: each feature answers its
 * own "org figures" function (functions/figures.ts, built by composeFunctions as it flushes queued calls;
 * showback/figures.ts over the summary; autoscale/figures.ts), connected here to the provider feature's ports; the org list is vCD's, read with the provider's session.
 */
export function composeProvider({ config, db }: ComposeContext, deps: { showback: Pick<ShowbackService, 'summary'>; functionFigures: FunctionFigures; limits: LimitsService }): Part {
  const service = new ProviderService({
    orgs: createVcdOrgDirectory({ vcdUrl: config.vcdUrl }),
    functions: deps.functionFigures,
    cost: showbackOrgFigures(deps.showback),
    autoscale: autoscaleOrgFigures(db),
    facts: async () => ({ version: PACKAGE_VERSION, transport: transportOf(config), migrations: await migrationLevel(db) }),
  });
  return {
    tenantRoutes: [
      // Before /provider: its router answers the tenants overview only.
      { path: '/provider/limits', router: providerLimitsRoutes(deps.limits) },
      { path: '/provider', router: providerRoutes(service) },
      { path: '/limits', router: tenantLimitsRoutes(deps.limits) },
    ],
    openApiPaths: (registry, common) => {
      registerProviderPaths(registry, common);
      registerLimitsPaths(registry, common);
    },
    async close() {},
  };
}
