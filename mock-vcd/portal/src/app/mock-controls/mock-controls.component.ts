import { Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { JsonPipe } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { HttpErrorResponse } from '@angular/common/http';
import { ClarityModule } from '@clr/angular';
import { OrgRef, OrgsService } from '../session/orgs.service';
import { MockAdminService, MockInfra, TASK_KINDS, TaskKind } from './mock-admin.service';

const REFRESH_MS = 3000;

/**
 * Provider-only page of the mock portal: set a vApp's load (shared by its serving VMs, so scaling out lowers each VM's
 * CPU) and inject failing or slow vCD tasks, through the mock's admin API. Not part of real vCD.
 */
@Component({
  selector: 'portal-mock-controls',
  standalone: true,
  imports: [ClarityModule, FormsModule, JsonPipe],
  templateUrl: './mock-controls.component.html',
  styles: [
    `.row-form { display: flex; gap: 0.5rem; align-items: center; } .row-form input { width: 6rem; } .row-form .btn { margin: 0; }
     .faults { display: grid; grid-template-columns: repeat(3, max-content); gap: 0.4rem 1rem; align-items: center; margin: 0.5rem 0; }
     .faults input { width: 6rem; } .vm { white-space: nowrap; } .actions { display: flex; gap: 0.5rem; } .actions .btn { margin: 0; }`,
  ],
})
export class MockControlsComponent implements OnInit {
  private readonly admin = inject(MockAdminService);
  private readonly orgsService = inject(OrgsService);

  protected readonly infra = signal<MockInfra | null>(null);
  protected readonly orgs = signal<OrgRef[]>([]);
  protected readonly error = signal('');
  protected readonly saved = signal('');
  protected readonly kinds = TASK_KINDS;
  /** The load typed per vApp (by id) before it is set. */
  protected readonly loads: Record<string, number> = {};
  protected readonly failNext: Partial<Record<TaskKind, number>> = {};
  protected readonly delayMs: Partial<Record<TaskKind, number>> = {};

  constructor() {
    const timer = setInterval(() => void this.refresh(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  ngOnInit(): void {
    void this.refresh();
    this.orgsService.list().then((orgs) => this.orgs.set(orgs), () => this.orgs.set([]));
  }

  protected orgName(orgId: string): string {
    return this.orgs().find((o) => o.id === orgId)?.name ?? orgId;
  }

  protected async refresh(): Promise<void> {
    try {
      const infra = await this.admin.infra();
      for (const v of infra.vapps) this.loads[v.id] ??= v.load;
      this.infra.set(infra);
    } catch (err) {
      this.error.set(messageOf(err));
    }
  }

  protected async setLoad(vAppId: string): Promise<void> {
    await this.run(async () => {
      await this.admin.setLoad(vAppId, Number(this.loads[vAppId]));
      return `Load of ${this.infra()?.vapps.find((v) => v.id === vAppId)?.name ?? vAppId} set to ${this.loads[vAppId]} %.`;
    });
  }

  protected async applyFaults(): Promise<void> {
    const pick = (from: Partial<Record<TaskKind, number>>) =>
      Object.fromEntries(Object.entries(from).filter(([, n]) => n !== null && n !== undefined && `${n}` !== '').map(([k, n]) => [k, Number(n)]));
    await this.run(async () => {
      await this.admin.setFaults({ failNext: pick(this.failNext), delayMs: pick(this.delayMs) });
      return 'Faults applied.';
    });
  }

  protected async clearFaults(): Promise<void> {
    await this.run(async () => {
      await this.admin.clearFaults();
      for (const k of TASK_KINDS) {
        delete this.failNext[k];
        delete this.delayMs[k];
      }
      return 'Faults cleared.';
    });
  }

  private async run(action: () => Promise<string>): Promise<void> {
    this.error.set('');
    this.saved.set('');
    try {
      this.saved.set(await action());
      await this.refresh();
    } catch (err) {
      this.error.set(messageOf(err));
    }
  }
}

function messageOf(err: unknown): string {
  if (err instanceof HttpErrorResponse) return (err.error as { message?: string } | null)?.message ?? `The mock answered ${err.status}.`;
  return err instanceof Error ? err.message : String(err);
}
