import { ChangeDetectionStrategy, Component, Input, OnInit, inject, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { VropsGroup } from '../../../contract/autoscale-vrops';
import type { ApiError } from '../core/api-error';
import { AutoscaleService } from './autoscale.service';

/** The wizard's vROps custom group: pick one of the org's, or make a new one; hidden when the provider has no vROps. */
@Component({
  selector: 'vsl-vrops-group-picker',
  standalone: true,
  imports: [ClrFormsModule, I18nModule, ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (configured()) {
      <clr-select-container>
        <label for="rule-vrops-group">{{ 'serverless.autoscale.field.vropsGroup' | translate }}</label>
        <select clrSelect id="rule-vrops-group" [formControl]="control" data-test="pick-vrops-group">
          <option value="">{{ 'serverless.autoscale.wizard.vrops.none' | translate }}</option>
          @for (g of groups(); track g.id) {
            <option [value]="g.id">{{ 'serverless.autoscale.wizard.vrops.option' | translate: { name: g.name, members: g.members } }}</option>
          }
        </select>
        <clr-control-helper>{{ 'serverless.autoscale.wizard.vrops.help' | translate }}</clr-control-helper>
      </clr-select-container>
      <div class="new-group">
        <input clrInput [formControl]="newName" data-test="new-vrops-group" [attr.aria-label]="'serverless.autoscale.wizard.vrops.newName' | translate"
          [placeholder]="'serverless.autoscale.wizard.vrops.newName' | translate" />
        <button type="button" class="btn btn-sm btn-secondary" data-test="create-vrops-group" [disabled]="!newName.value.trim() || busy()" (click)="create()">
          {{ 'serverless.autoscale.wizard.vrops.create' | translate }}
        </button>
        @if (error()) {
          <span class="error" role="alert" data-test="vrops-group-error">{{ error() }}</span>
        }
      </div>
    }
  `,
  styles: [`.new-group { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.5rem; } .error { color: var(--cds-alias-status-danger, #c21d00); }`],
})
export class VropsGroupPickerComponent implements OnInit {
  /** The wizard's vropsGroupId control ('' = none). */
  @Input({ required: true }) control!: FormControl<string>;
  private readonly autoscale = inject(AutoscaleService);
  protected readonly configured = signal(false);
  protected readonly groups = signal<VropsGroup[]>([]);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly newName = new FormControl('', { nonNullable: true });

  ngOnInit(): void {
    this.autoscale.vropsGroups().subscribe({
      next: (list) => {
        this.configured.set(list.configured);
        this.groups.set(list.items);
      },
      error: () => this.configured.set(false),
    });
  }

  /** Makes the group in vROps and picks it. */
  protected create(): void {
    this.busy.set(true);
    this.error.set(null);
    this.autoscale.createVropsGroup(this.newName.value.trim()).subscribe({
      next: (group) => {
        this.groups.update((gs) => [...gs, group]);
        this.control.setValue(group.id);
        this.newName.reset('');
        this.busy.set(false);
      },
      error: (err: ApiError) => {
        const field = err.fieldErrors[0];
        this.error.set(field ? `${field.path}: ${field.message}` : (err.detail ?? err.title ?? `HTTP ${err.status}`));
        this.busy.set(false);
      },
    });
  }
}
