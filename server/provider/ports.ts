import type { BackendAbout } from '../../contract/about';
import type { TenantRow } from '../../contract/provider';

/**
 * What the provider feature needs from vCD and from the other features. It owns these ports; server/compose/provider.ts
 * connects them (vCD's org list, and each feature's small "org figures" function), so no feature imports another.
 */

/** vCD's orgs as the caller's session sees them (the provider: every org). */
export interface OrgList {
  list(token: string): Promise<Array<{ name: string; displayName: string }>>;
}

/** Each takes many orgs at once (keys as rows are keyed: lower-cased names) and answers a figure per org. */
export type FunctionFigures = (orgs: string[], since: Date) => Promise<Map<string, Pick<TenantRow, 'functions' | 'usage'>>>;
export type CostFigures = (orgs: string[]) => Promise<Map<string, TenantRow['cost']>>;
export type AutoscaleFigures = (orgs: string[]) => Promise<Map<string, TenantRow['autoscale']>>;

/** The backend's own version, transport and its store's migration level (GET .../provider/about). */
export type BackendFacts = () => Promise<Pick<BackendAbout, 'version' | 'transport' | 'migrations'>>;

export interface ProviderDeps {
  orgs: OrgList;
  functions: FunctionFigures;
  cost: CostFigures;
  autoscale: AutoscaleFigures;
  facts: BackendFacts;
  now?: () => Date;
}

/** A change of the provider's limits, as the audit log records it (org null: the default). */
export interface LimitsChange {
  org: string | null;
  by: string;
  action: 'update' | 'delete';
  before: object | null;
  after: object | null;
}
