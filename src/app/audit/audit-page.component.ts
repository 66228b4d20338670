import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { ClrDatagridModule, ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { AuditEntry } from '../../../contract/audit';
import { isProviderScope } from '../core/acting-org';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { AuditService } from './audit.service';

/** The kinds the log knows (contract/audit.ts AUDIT_KINDS), for the filter. */
const KINDS = ['functions', 'versions', 'secrets', 'aliases', 'deadLetters', 'rules', 'vropsGroups', 'sources', 'imports', 'ratecard', 'limits', 'budgets'];

/**
 * The audit log: who changed what and when, newest first. A tenant sees its own org's; the provider every org's,
 * with an org filter. Before → after is shown where the entry has it (limits); secrets appear by name only.
 */
@Component({
  selector: 'vsl-audit-page',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, ClrDatagridModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-page.component.html',
  styles: [`.filters { display: flex; gap: 1rem; align-items: flex-end; flex-wrap: wrap; } .filters .btn { margin: 0; } .change { font-size: 0.55rem; }`],
})
export class AuditPageComponent implements OnInit {
  private readonly audit = inject(AuditService);
  protected readonly provider = isProviderScope();
  protected readonly kinds = KINDS;
  protected readonly entries = signal<AuditEntry[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly filter = new FormGroup({
    org: new FormControl('', { nonNullable: true }),
    user: new FormControl('', { nonNullable: true }),
    kind: new FormControl('', { nonNullable: true }),
  });

  ngOnInit(): void {
    this.refresh();
  }

  protected refresh(): void {
    const f = this.filter.getRawValue();
    const filter = { org: f.org.trim(), user: f.user.trim(), kind: f.kind };
    this.loading.set(true);
    (this.provider ? this.audit.everyOrg(filter) : this.audit.own(filter)).subscribe({
      next: (page) => {
        this.entries.set(page.items);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (e: ApiError) => {
        this.error.set(e);
        this.loading.set(false);
      },
    });
  }

  protected json(value: unknown): string {
    return value === null || value === undefined ? '–' : JSON.stringify(value);
  }
}
