import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { VCD_ACCEPT } from './session.model';
import { SessionService } from './session.service';

export interface OrgRef {
  id: string;
  name: string;
  displayName?: string;
}

/** vCD's `GET /cloudapi/1.0.0/orgs`: every org for the provider, the own org for a tenant. */
@Injectable({ providedIn: 'root' })
export class OrgsService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  async list(): Promise<OrgRef[]> {
    const headers = new HttpHeaders({ Accept: VCD_ACCEPT, Authorization: `Bearer ${this.session.session()?.token ?? ''}` });
    const page = await firstValueFrom(this.http.get<{ values?: OrgRef[] }>('/cloudapi/1.0.0/orgs?pageSize=128', { headers }));
    return page.values ?? [];
  }

  async findByName(name: string): Promise<OrgRef | undefined> {
    return (await this.list()).find((org) => org.name.toLowerCase() === name.toLowerCase());
  }
}
