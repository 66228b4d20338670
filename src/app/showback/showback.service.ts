import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import type {
  Breakdown,
  BreakdownDimension,
  CreateSourceRequest,
  Daily,
  ImportResult,
  Monthly,
  RateCardInput,
  RateCardView,
  Run,
  RunSourceRequest,
  Source,
  SourceTestResult,
  Summary,
} from '../../../contract/showback';
import type {
  Alert,
  AlertDetail,
  Budget,
  BudgetCheckResult,
  CreateBudgetRequest,
  WebhookSecret,
} from '../../../contract/showback-budgets';
import type { Page } from '../../../contract/problem';
import type { Anomalies, Anomaly, AnomalySettings, AnomalySettingsRequest } from '../../../contract/showback-anomalies';
import { ApiClient } from '../core/api-client';
import { DayRange } from './showback.model';

const BASE = 'showback';

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return entries.length ? `?${entries.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}` : '';
}

/** The showback endpoints of the backend (DESIGN §4, contract/showback.ts). */
@Injectable()
export class ShowbackService {
  private readonly api = inject(ApiClient);

  summary(): Observable<Summary> {
    return this.api.get<Summary>(`${BASE}/summary`);
  }

  monthly(months: number): Observable<Monthly> {
    return this.api.get<Monthly>(`${BASE}/monthly${query({ months })}`);
  }

  daily(range: DayRange): Observable<Daily> {
    return this.api.get<Daily>(`${BASE}/daily${query({ from: range.from, to: range.to })}`);
  }

  breakdown(by: BreakdownDimension, range: DayRange, top = 10): Observable<Breakdown> {
    return this.api.get<Breakdown>(`${BASE}/breakdown${query({ by, top, from: range.from, to: range.to })}`);
  }

  /** The CSV of the range, fetched with the session's token. */
  exportCsv(range: DayRange): Observable<Blob> {
    return this.api.getBlob(`${BASE}/export.csv${query({ from: range.from, to: range.to })}`);
  }

  sources(): Observable<Source[]> {
    return this.api.get<Page<Source> | Source[]>(`${BASE}/sources`).pipe(map((answer) => (Array.isArray(answer) ? answer : answer.items)));
  }

  createSource(request: CreateSourceRequest): Observable<Source> {
    return this.api.post<Source>(`${BASE}/sources`, request);
  }

  deleteSource(id: string): Observable<void> {
    return this.api.delete(`${BASE}/sources/${encodeURIComponent(id)}`);
  }

  testSource(id: string): Observable<SourceTestResult> {
    return this.api.post<SourceTestResult>(`${BASE}/sources/${encodeURIComponent(id)}/test`, {});
  }

  /** Run now (no range) or a backfill of whole UTC days from..to. */
  runSource(id: string, range: RunSourceRequest = {}): Observable<Run> {
    return this.api.post<Run>(`${BASE}/sources/${encodeURIComponent(id)}/run`, range);
  }

  /** The provider's whole card (editable), or a tenant's effective rates (read only). */
  rateCard(): Observable<RateCardView> {
    return this.api.get<RateCardView>(`${BASE}/ratecard`);
  }

  saveRateCard(card: RateCardInput): Observable<RateCardView> {
    return this.api.put<RateCardView>(`${BASE}/ratecard`, card);
  }

  /** A FOCUS file as it is: CSV or JSON by its name / type. */
  importFocus(file: { name: string; type: string; text: string }): Observable<ImportResult> {
    const json = file.type.includes('json') || /\.json$/i.test(file.name);
    return this.api.postBody<ImportResult>(`${BASE}/imports`, file.text, json ? 'application/json' : 'text/csv');
  }

  /** The range as a FOCUS 1.2 CSV (one row per charge). */
  exportFocus(range: DayRange): Observable<Blob> {
    return this.api.getBlob(`${BASE}/export.focus.csv${query({ from: range.from, to: range.to })}`);
  }

  /** Budgets with their state this month. */
  /** The stored cost anomalies of the range (oldest first). */
  anomalies(range: DayRange): Observable<Anomaly[]> {
    return this.api.get<Anomalies>(`${BASE}/anomalies${query({ from: range.from, to: range.to })}`).pipe(map((answer) => answer.items ?? []));
  }

  budgets(): Observable<Budget[]> {
    return this.api.get<Page<Budget>>(`${BASE}/budgets`).pipe(map((answer) => answer.items ?? []));
  }

  /** Answers the budget; `webhookSecret` only when this made the org's first secret. */
  createBudget(request: CreateBudgetRequest): Observable<Budget> {
    return this.api.post<Budget>(`${BASE}/budgets`, request);
  }

  deleteBudget(id: string): Observable<void> {
    return this.api.delete(`${BASE}/budgets/${encodeURIComponent(id)}`);
  }

  checkBudgets(): Observable<BudgetCheckResult> {
    return this.api.post<BudgetCheckResult>(`${BASE}/budgets/check`, {});
  }

  alerts(): Observable<Alert[]> {
    return this.api.get<Page<Alert>>(`${BASE}/alerts`).pipe(map((answer) => answer.items ?? []));
  }

  /** An alert with each webhook delivery attempt. */
  alert(id: string): Observable<AlertDetail> {
    return this.api.get<AlertDetail>(`${BASE}/alerts/${encodeURIComponent(id)}`);
  }

  rotateWebhookSecret(): Observable<WebhookSecret> {
    return this.api.post<WebhookSecret>(`${BASE}/webhook-secret`, {});
  }

  /** Where the org's anomaly alerts go. */
  anomalySettings(): Observable<AnomalySettings> {
    return this.api.get<AnomalySettings>(`${BASE}/anomalies/settings`);
  }

  saveAnomalySettings(request: AnomalySettingsRequest): Observable<AnomalySettings> {
    return this.api.put<AnomalySettings>(`${BASE}/anomalies/settings`, request);
  }
}
