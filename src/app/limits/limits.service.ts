import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import type { DefaultLimitsView, OrgLimits, OrgLimitsList, OrgLimitsOverride, OrgLimitsView } from '../../../contract/limits';
import { ApiClient } from '../core/api-client';

/** The per-org limits' endpoints (contract/limits.ts): the provider's default and overrides, and an org's own limits. */
@Injectable()
export class LimitsService {
  private readonly api = inject(ApiClient);

  /** The session's (or acting) org's effective limits, read-only. */
  own(): Observable<OrgLimitsView> {
    return this.api.get<OrgLimitsView>('limits');
  }

  default(): Observable<DefaultLimitsView> {
    return this.api.get<DefaultLimitsView>('provider/limits/default');
  }

  saveDefault(limits: OrgLimits): Observable<DefaultLimitsView> {
    return this.api.put<DefaultLimitsView>('provider/limits/default', limits);
  }

  overrides(): Observable<OrgLimitsList> {
    return this.api.get<OrgLimitsList>('provider/limits/orgs');
  }

  org(org: string): Observable<OrgLimitsView> {
    return this.api.get<OrgLimitsView>(`provider/limits/orgs/${encodeURIComponent(org)}`);
  }

  saveOrg(org: string, override: OrgLimitsOverride): Observable<OrgLimitsView> {
    return this.api.put<OrgLimitsView>(`provider/limits/orgs/${encodeURIComponent(org)}`, override);
  }

  resetOrg(org: string): Observable<void> {
    return this.api.delete(`provider/limits/orgs/${encodeURIComponent(org)}`);
  }
}
