import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClrDatagridModule, ClrFormsModule, ClrAlertModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { DefaultLimitsView, OrgLimits, OrgLimitsView } from '../../../contract/limits';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { LimitsFormComponent } from './limits-form.component';
import { overriddenFields, overrideOf } from './limits.model';
import { LimitsService } from './limits.service';

/**
 * The provider's Limits page (issue 18): the default every org gets, the orgs with limits of their own, and a form
 * to set or reset one org's. An org's form starts from its effective limits; what differs from the default is saved.
 */
@Component({
  selector: 'vsl-limits-page',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, ClrDatagridModule, ClrAlertModule, I18nModule, ProblemAlertComponent, LimitsFormComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './limits-page.component.html',
  styles: [`.org-picker { display: flex; gap: 0.5rem; align-items: flex-end; } .org-picker .btn { margin: 0; }`],
})
export class LimitsPageComponent implements OnInit {
  private readonly limits = inject(LimitsService);

  protected readonly defaults = signal<DefaultLimitsView | null>(null);
  protected readonly overrides = signal<OrgLimitsView[]>([]);
  protected readonly selected = signal<OrgLimitsView | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly saved = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly orgName = new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.pattern(/^\w[\w.-]*$/)] });
  protected readonly fields = overriddenFields;

  ngOnInit(): void {
    this.refresh();
  }

  protected refresh(): void {
    this.limits.default().subscribe({ next: (d) => this.defaults.set(d), error: (e: ApiError) => this.error.set(e) });
    this.limits.overrides().subscribe({ next: (l) => this.overrides.set(l.items), error: (e: ApiError) => this.error.set(e) });
  }

  protected saveDefault(limits: OrgLimits): void {
    this.run(this.limits.saveDefault(limits), (d) => {
      this.defaults.set(d);
      this.saved.set('default');
    });
  }

  protected open(org: string): void {
    this.orgName.setValue(org);
    this.run(this.limits.org(org), (view) => this.selected.set(view));
  }

  protected openTyped(): void {
    this.orgName.markAsTouched();
    if (this.orgName.valid) this.open(this.orgName.value.trim());
  }

  protected saveOrg(values: OrgLimits): void {
    const org = this.selected()?.org;
    const defaults = this.defaults()?.limits;
    if (!org || !defaults) return;
    this.run(this.limits.saveOrg(org, overrideOf(values, defaults)), (view) => {
      this.selected.set(view);
      this.saved.set(view.org);
      this.refresh();
    });
  }

  protected resetOrg(org: string): void {
    this.run(this.limits.resetOrg(org), () => {
      this.selected.set(null);
      this.saved.set(org);
      this.refresh();
    });
  }

  private run<T>(call: import('rxjs').Observable<T>, done: (value: T) => void): void {
    this.busy.set(true);
    this.saved.set(null);
    call.subscribe({
      next: (value) => {
        this.busy.set(false);
        this.error.set(null);
        done(value);
      },
      error: (e: ApiError) => {
        this.busy.set(false);
        this.error.set(e);
      },
    });
  }
}
