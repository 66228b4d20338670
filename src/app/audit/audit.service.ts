import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import type { AuditPage } from '../../../contract/audit';
import { ApiClient } from '../core/api-client';

export interface AuditFilter {
  org?: string;
  user?: string;
  kind?: string;
}

const query = (f: AuditFilter): string =>
  Object.entries({ ...f, limit: '200' })
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

/** The audit log's endpoints (contract/audit.ts): the org's own log, and the provider's of every org. */
@Injectable()
export class AuditService {
  private readonly api = inject(ApiClient);

  own(filter: AuditFilter): Observable<AuditPage> {
    return this.api.get<AuditPage>(`audit?${query({ ...filter, org: undefined })}`);
  }

  everyOrg(filter: AuditFilter): Observable<AuditPage> {
    return this.api.get<AuditPage>(`provider/audit?${query(filter)}`);
  }
}
