import type { BackendAbout } from '../../contract/about';
import type { TenantRow, TenantsOverview } from '../../contract/provider';
import { csvDocument } from '../http/csv';
import { orgKey } from '../http/tenancy';
import type { ProviderDeps } from './ports';

/** vCD's provider org: the provider itself, not a tenant. */
const PROVIDER_ORG = 'system';

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/** The provider's view of every tenant: vCD's org list joined with each feature's figures for this month. */
export class ProviderService {
  private readonly now: () => Date;
  constructor(private readonly deps: ProviderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Every tenant org vCD lists for this (provider) session, by name, each with this month's figures. */
  async tenants(token: string): Promise<TenantsOverview> {
    const now = this.now();
    const orgs = (await this.deps.orgs.list(token)).filter((o) => orgKey(o.name) !== PROVIDER_ORG);
    const keys = orgs.map((o) => orgKey(o.name));
    const [functions, cost, autoscale] = await Promise.all([
      this.deps.functions(keys, monthStart(now)),
      this.deps.cost(keys),
      this.deps.autoscale(keys),
    ]);
    const items = orgs.map((o, i): TenantRow => {
      const k = keys[i];
      const f = functions.get(k);
      return {
        org: o.name,
        displayName: o.displayName,
        functions: f?.functions ?? { total: 0, ready: 0, failed: 0, initializing: 0 },
        usage: f?.usage ?? { calls: 0, errors: 0, gbSeconds: 0 },
        cost: cost.get(k) ?? { currency: 'EUR', monthToDate: 0, forecast: 0, lastMonth: 0, staleSources: [] },
        autoscale: autoscale.get(k) ?? { rules: 0, enabled: 0, lastDecision: null },
      };
    });
    return { month: now.toISOString().slice(0, 7), generatedAt: now.toISOString(), items, total: items.length };
  }

  /** What this backend runs: its version, its store's migration level, and each tenant's function and rule counts. */
  async about(token: string): Promise<BackendAbout> {
    const [facts, overview] = await Promise.all([this.deps.facts(), this.tenants(token)]);
    return { ...facts, orgs: overview.items.map((r) => ({ org: r.org, functions: r.functions.total, rules: r.autoscale.rules })) };
  }

  /** The overview's rows as CSV; org names and source names come from vCD and tenants, so csvDocument neutralises formulas. */
  async tenantsCsv(token: string): Promise<{ month: string; csv: string }> {
    const overview = await this.tenants(token);
    const header = [
      'Org', 'DisplayName', 'Functions', 'Ready', 'Failed', 'Calls', 'Errors', 'GbSeconds', 'Currency',
      'MonthToDate', 'Forecast', 'LastMonth', 'AutoscaleRules', 'LastDecision', 'LastDecisionAt', 'StaleSources',
    ];
    const money = (cents: number) => (cents / 100).toFixed(2);
    const rows = overview.items.map((r) => [
      r.org, r.displayName, r.functions.total, r.functions.ready, r.functions.failed, r.usage.calls, r.usage.errors, r.usage.gbSeconds,
      r.cost.currency, money(r.cost.monthToDate), money(r.cost.forecast), money(r.cost.lastMonth), r.autoscale.rules,
      r.autoscale.lastDecision ? `${r.autoscale.lastDecision.rule}: ${r.autoscale.lastDecision.action} (${r.autoscale.lastDecision.reason})` : '',
      r.autoscale.lastDecision?.at ?? '', r.cost.staleSources.join('; '),
    ]);
    return { month: overview.month, csv: csvDocument(header, rows) };
  }
}
