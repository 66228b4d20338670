import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import type {
  Backtest,
  CatalogEdgeGateway,
  CatalogList,
  CatalogPool,
  CatalogTemplate,
  CatalogVApp,
  DryRun,
  EventList,
  Rule,
  RuleHistory,
  RuleList,
  RuleMetrics,
} from '../../../contract/autoscale';
import type { VropsGroup, VropsGroupList } from '../../../contract/autoscale-vrops';
import type { Forecast } from '../../../contract/autoscale-forecast';
import { ApiClient } from '../core/api-client';
import {
  AutoscaleRule,
  BacktestView,
  DryRunView,
  MetricPoint,
  PickerOption,
  toForecastPoints,
  RuleChangeView,
  RuleChanges,
  RuleDraft,
  RuleEventView,
  fromRuleDraft,
  toAutoscaleRule,
  toBacktest,
  toDryRun,
  toEdgeOption,
  toMetricPoints,
  toPoolOption,
  toRuleChange,
  toRuleEvent,
  toTemplateOption,
  toVAppOption,
} from './autoscale.model';

const RULES = 'autoscale/rules';
const CATALOG = 'autoscale/catalog';
const rulePath = (id: string) => `${RULES}/${encodeURIComponent(id)}`;

/** The autoscale endpoints of the backend (DESIGN §4, contract/autoscale.ts), answering view types. */
@Injectable()
export class AutoscaleService {
  private readonly api = inject(ApiClient);

  list(): Observable<AutoscaleRule[]> {
    return this.api.get<RuleList>(`${RULES}?limit=500`).pipe(map((page) => page.items.map(toAutoscaleRule)));
  }

  get(id: string): Observable<AutoscaleRule> {
    return this.api.get<Rule>(rulePath(id)).pipe(map(toAutoscaleRule));
  }

  create(draft: RuleDraft): Observable<AutoscaleRule> {
    return this.api.post<Rule>(RULES, fromRuleDraft(draft)).pipe(map(toAutoscaleRule));
  }

  update(id: string, changes: RuleChanges): Observable<AutoscaleRule> {
    return this.api.put<Rule>(rulePath(id), changes).pipe(map(toAutoscaleRule));
  }

  delete(id: string): Observable<void> {
    return this.api.delete(rulePath(id));
  }

  events(id: string, limit = 100): Observable<RuleEventView[]> {
    return this.api.get<EventList>(`${rulePath(id)}/events?limit=${limit}`).pipe(map((page) => page.items.map(toRuleEvent)));
  }

  /** Who changed the rule and how, newest first. */
  history(id: string, limit = 50): Observable<RuleChangeView[]> {
    return this.api.get<RuleHistory>(`${rulePath(id)}/history?limit=${limit}`).pipe(map((page) => page.items.map(toRuleChange)));
  }

  /** What a draft rule would have done over the vApp's last `days` days; saves nothing. */
  backtest(draft: RuleDraft, days: number): Observable<BacktestView> {
    return this.api.post<Backtest>(`${RULES}/backtest`, { rule: fromRuleDraft(draft), days }).pipe(map(toBacktest));
  }

  /** The vApp's forecast load for the next `hours` (CPU and memory over the VMs serving now), for the rule's chart. */
  forecast(id: string, hours = 2): Observable<MetricPoint[]> {
    return this.api.get<Forecast>(`${rulePath(id)}/forecast?hours=${hours}`).pipe(map(toForecastPoints));
  }

  metrics(id: string, minutes = 60): Observable<MetricPoint[]> {
    return this.api.get<RuleMetrics>(`${rulePath(id)}/metrics?minutes=${minutes}`).pipe(map(toMetricPoints));
  }

  /** What the rule would do now and why; changes nothing. */
  dryRun(id: string): Observable<DryRunView> {
    return this.api.post<DryRun>(`${rulePath(id)}/dry-run`, {}).pipe(map(toDryRun));
  }

  /** The org's function names, suggested for lifecycle hooks (the functions API, read over HTTP like any client). */
  functionNames(): Observable<string[]> {
    return this.api.get<{ items: { name: string }[] }>('faas/functions?limit=500').pipe(map((page) => page.items.map((f) => f.name).sort()));
  }

  vApps(): Observable<PickerOption[]> {
    return this.api.get<CatalogList<CatalogVApp>>(`${CATALOG}/vapps`).pipe(map((l) => l.items.map(toVAppOption)));
  }

  templates(): Observable<PickerOption[]> {
    return this.api.get<CatalogList<CatalogTemplate>>(`${CATALOG}/templates`).pipe(map((l) => l.items.map(toTemplateOption)));
  }

  edgeGateways(): Observable<PickerOption[]> {
    return this.api.get<CatalogList<CatalogEdgeGateway>>(`${CATALOG}/edge-gateways`).pipe(map((l) => l.items.map(toEdgeOption)));
  }

  /** The org's vROps custom groups; configured false when the provider set up no vROps. */
  vropsGroups(): Observable<VropsGroupList> {
    return this.api.get<VropsGroupList>(`${CATALOG}/vrops-groups`);
  }

  createVropsGroup(name: string): Observable<VropsGroup> {
    return this.api.post<VropsGroup>(`${CATALOG}/vrops-groups`, { name });
  }

  pools(edgeGatewayId: string): Observable<PickerOption[]> {
    return this.api
      .get<CatalogList<CatalogPool>>(`${CATALOG}/edge-gateways/${encodeURIComponent(edgeGatewayId)}/pools`)
      .pipe(map((l) => l.items.map(toPoolOption)));
  }
}
