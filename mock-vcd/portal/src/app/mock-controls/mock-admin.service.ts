import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { SessionService } from '../session/session.service';

/** A task kind the mock's faults and delays are set for (`any` matches all). */
export const TASK_KINDS = ['recompose', 'powerOn', 'powerOff', 'delete', 'poolUpdate', 'any'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface MockVm {
  id: string;
  name: string;
  power: string;
  ipAddress: string | null;
  usage: { cpu: number; mem: number };
}
export interface MockVApp {
  id: string;
  name: string;
  orgId: string;
  load: number;
  vms: MockVm[];
}
export interface MockFaults {
  failNext: Partial<Record<TaskKind, number>>;
  delayMs: Partial<Record<TaskKind, number>>;
}
export interface MockInfra {
  vapps: MockVApp[];
  pools: { id: string; name: string; edge: string; orgId: string; members: { ipAddress: string; enabled: boolean }[] }[];
  faults: MockFaults;
}

/** The mock-only admin API (`/mock/admin`, provider session): vApp load and task faults (docs/architecture.md). */
@Injectable({ providedIn: 'root' })
export class MockAdminService {
  private readonly http = inject(HttpClient);
  private readonly session = inject(SessionService);

  private headers(): HttpHeaders {
    return new HttpHeaders({ Accept: 'application/json', Authorization: `Bearer ${this.session.session()?.token ?? ''}` });
  }

  infra(): Promise<MockInfra> {
    return firstValueFrom(this.http.get<MockInfra>('/mock/admin/infra', { headers: this.headers() }));
  }

  setLoad(vAppId: string, load: number): Promise<unknown> {
    return firstValueFrom(this.http.put(`/mock/admin/vapps/${encodeURIComponent(vAppId)}/load`, { load }, { headers: this.headers() }));
  }

  /** Merged into the current faults: `failNext` fails the next N tasks of a kind, `delayMs` slows every task of a kind. */
  setFaults(faults: Partial<MockFaults>): Promise<MockFaults> {
    return firstValueFrom(this.http.put<MockFaults>('/mock/admin/faults', faults, { headers: this.headers() }));
  }

  clearFaults(): Promise<unknown> {
    return firstValueFrom(this.http.delete('/mock/admin/faults', { headers: this.headers() }));
  }
}
