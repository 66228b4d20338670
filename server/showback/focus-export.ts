import { FOCUS_EXPORT_VERSION } from '../../contract/showback';
import { csvDocument } from '../http/csv';
import type { Queryable } from '../store/db';

/**
 * The org's cost records as a FOCUS 1.2 Cost and Usage dataset (FinOps Open Cost and Usage Specification v1.2,
 * focus.finops.org/focus-specification/v1-2), one row per stored charge. Every column the spec makes Mandatory is
 * present; of the conditional ones, those this product knows (resource, consumed quantity, the vApp as sub
 * account); custom columns carry the `x_` prefix the spec reserves for them. Rate-card prices carry no discounts
 * or commitments, so BilledCost = EffectiveCost = ListCost = ContractedCost. The product's own FOCUS import
 * (focus.ts) reads this back unchanged: cost, period, service, resource, quantity, metric and vApp.
 */
export const FOCUS_MANDATORY_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
] as const;

export const FOCUS_EXPORT_COLUMNS = [
  ...FOCUS_MANDATORY_COLUMNS,
  'BillingAccountType',
  'ChargeFrequency',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'SubAccountId',
  'SubAccountName',
  'SubAccountType',
  'x_Metric',
  'x_SourceId',
] as const;

export type FocusRow = Record<(typeof FOCUS_EXPORT_COLUMNS)[number], string | number | null>;

/** The sub account type the export gives a vApp; the import takes a sub account of this type as the vApp. */
export const FOCUS_VAPP_SUBACCOUNT = 'vApp';
const PROVIDER = 'VMware Cloud Director';

/** FOCUS 1.2 ServiceCategory allowed values for the services the product prices. */
const CATEGORY: Record<string, string> = { compute: 'Compute', functions: 'Compute', storage: 'Storage', backup: 'Storage', network: 'Networking' };

interface CostRow {
  period_start: Date | string;
  period_end: Date | string;
  service: string;
  metric: string;
  resource_id: string;
  resource_name: string;
  resource_kind: string;
  vapp_id: string;
  vapp_name: string;
  source_id: string;
  quantity: number;
  unit: string;
  cost: string | number;
  currency: string;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const orNull = (v: string) => (v === '' ? null : v);

function billingPeriod(start: Date): [string, string] {
  const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  const to = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return [from.toISOString(), to.toISOString()];
}

function focusRow(org: string, r: CostRow): FocusRow {
  const start = new Date(r.period_start);
  const [periodStart, periodEnd] = billingPeriod(start);
  // Major units with exactly two decimals: the sum of a column is the dashboard's total to the cent.
  const cost = (Number(r.cost) / 100).toFixed(2);
  const unit = orNull(r.unit);
  const vapp = orNull(r.vapp_id);
  return {
    BilledCost: cost,
    BillingAccountId: org,
    BillingAccountName: org,
    BillingCurrency: r.currency,
    BillingPeriodEnd: periodEnd,
    BillingPeriodStart: periodStart,
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: [r.service, r.metric, r.resource_name].filter(Boolean).join(' · '),
    ChargePeriodEnd: iso(r.period_end),
    ChargePeriodStart: start.toISOString(),
    ContractedCost: cost,
    EffectiveCost: cost,
    InvoiceIssuerName: PROVIDER,
    ListCost: cost,
    PricingQuantity: unit ? r.quantity : null,
    PricingUnit: unit,
    ProviderName: PROVIDER,
    PublisherName: PROVIDER,
    ServiceCategory: CATEGORY[r.service] ?? 'Other',
    ServiceName: r.service,
    BillingAccountType: 'Organization',
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: r.quantity,
    ConsumedUnit: unit,
    ResourceId: orNull(r.resource_id),
    ResourceName: orNull(r.resource_name),
    ResourceType: orNull(r.resource_kind),
    SubAccountId: vapp,
    SubAccountName: vapp ? r.vapp_name : null,
    SubAccountType: vapp ? FOCUS_VAPP_SUBACCOUNT : null,
    x_Metric: orNull(r.metric),
    x_SourceId: r.source_id,
  };
}

/** The org's charges whose period starts from..to (UTC days, inclusive), oldest first. */
export async function focusRows(db: Queryable, org: string, range: { from: string; to: string }): Promise<FocusRow[]> {
  const toExclusive = new Date(Date.parse(`${range.to}T00:00:00Z`) + 86_400_000).toISOString();
  const { rows } = await db.query<CostRow>(
    `SELECT period_start, period_end, service, metric, resource_id, resource_name, resource_kind, vapp_id, vapp_name,
            source_id, quantity, unit, cost, currency
       FROM showback_costs WHERE org = $1 AND period_start >= $2 AND period_start < $3
      ORDER BY period_start, source_id, natural_key`,
    [org, `${range.from}T00:00:00Z`, toExclusive],
  );
  return rows.map((r) => focusRow(org, r));
}

export function focusCsv(rows: FocusRow[]): string {
  // Names come from tenants' imports and billing sources: csvDocument keeps their formulas from running.
  return csvDocument([...FOCUS_EXPORT_COLUMNS], rows.map((r) => FOCUS_EXPORT_COLUMNS.map((c) => r[c])));
}

/** JSON: the rows with money as numbers; `{rows}` is also what the FOCUS import accepts. */
export function focusJson(rows: FocusRow[]): { focusVersion: string; columns: string[]; rows: FocusRow[] } {
  const money = ['BilledCost', 'ContractedCost', 'EffectiveCost', 'ListCost'] as const;
  return {
    focusVersion: FOCUS_EXPORT_VERSION,
    columns: [...FOCUS_EXPORT_COLUMNS],
    rows: rows.map((r) => ({ ...r, ...Object.fromEntries(money.map((m) => [m, Number(r[m])])) }) as FocusRow),
  };
}
