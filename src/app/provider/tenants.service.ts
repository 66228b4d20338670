import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import type { TenantsOverview } from '../../../contract/provider';
import { ApiClient } from '../core/api-client';

/** The provider's endpoints (contract/provider.ts): every tenant with this month's figures, and as CSV. */
@Injectable()
export class TenantsService {
  private readonly api = inject(ApiClient);

  overview(): Observable<TenantsOverview> {
    return this.api.get<TenantsOverview>('provider/tenants');
  }

  /** The CSV, built by the backend (formula-safe), fetched with the session's token. */
  exportCsv(): Observable<Blob> {
    return this.api.getBlob('provider/tenants.csv');
  }
}
