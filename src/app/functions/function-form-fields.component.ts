import { ChangeDetectionStrategy, Component, EventEmitter, Input, Output, inject } from '@angular/core';
import { ControlContainer, FormGroup, FormGroupDirective, ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { CONTAINER_MODES, RUNTIMES, SANDBOXES } from '../../../contract/runtimes';
import { CodeEditorComponent, CodeMarker, languageOf } from './code-editor.component';
import { STARTER_TEMPLATES, isolateAllowed } from './function-templates';
import { PRODUCT_EVENT_TYPES, VCD_EVENT_TYPES, shortEventType } from './vcd-event-types';

/** What each product event source is, in words (i18n keys). */
const PRODUCT_EVENT_LABELS: Record<string, string> = {
  'showback/budget.threshold': 'serverless.functions.trigger.product.budgetThreshold',
  'showback/cost.anomaly': 'serverless.functions.trigger.product.costAnomaly',
};

/**
 * The fields of a function's code, shared by the New function form and the detail page's editor: runtime,
 * sandbox, mode (and egress) in a container, the event types of an event trigger, the starter templates and the
 * code editor. It binds to the form of the page it stands in (functionCodeControls); what a page adds goes in
 * its slots: `[beforeEvents]` (the trigger choice) and the default slot after the events (route, limits).
 */
@Component({
  selector: 'vsl-function-form-fields',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, I18nModule, CodeEditorComponent],
  // Checked with its page: the page's form changes (a loaded version, a template) must show here too.
  changeDetection: ChangeDetectionStrategy.Default,
  // The fields join the page's own <form [formGroup]>: its submit, validity and touched state cover them.
  viewProviders: [{ provide: ControlContainer, useFactory: () => inject(FormGroupDirective, { skipSelf: true }) }],
  templateUrl: './function-form-fields.component.html',
  styles: [
    `.fields.row { display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: flex-end; } .fields.row > * { margin-top: 0; }
     .code-field { margin-top: 1.2rem; } .templates { display: flex; gap: 0.5rem; align-items: center; margin-bottom: 0.25rem; }
     .templates .btn { margin: 0; } .error-text { color: var(--cds-alias-status-danger, #c21d00); }`,
  ],
})
export class FunctionFormFieldsComponent {
  private readonly formDirective = inject(FormGroupDirective, { skipSelf: true });

  /** Prefix of the fields' ids and test ids: `function` on the New function form, `edit` on the detail page. */
  @Input({ required: true }) idPrefix!: string;
  /** Lays the settings out in a row (the detail page) instead of one under another, without the long helper texts. */
  @Input() row = false;
  @Input() showEvents = false;
  /** Offers the egress switch for a container (both forms; the host form has an `egress` control). */
  @Input() showEgress = false;
  @Input() marker: CodeMarker | null = null;
  /** After a starter template replaced the code (and runtime). */
  @Output() readonly templateUsed = new EventEmitter<void>();

  /** The runtimes, sandboxes and container modes the contract defines (the backend refuses one it cannot run, naming the field). */
  protected readonly runtimes = RUNTIMES;
  protected readonly sandboxes = SANDBOXES;
  protected readonly modes = CONTAINER_MODES;
  protected readonly templates = STARTER_TEMPLATES;
  protected readonly eventTypes = VCD_EVENT_TYPES;
  /** The product's own event sources (a showback budget alert), shown by their full name. */
  protected readonly productEventTypes = PRODUCT_EVENT_TYPES;
  protected readonly productEventLabel = (type: string): string => PRODUCT_EVENT_LABELS[type] ?? 'serverless.functions.trigger.productEvents';
  protected readonly isolateAllowed = isolateAllowed;
  protected readonly shortEventType = shortEventType;
  protected readonly languageOf = languageOf;

  protected get form(): FormGroup {
    return this.formDirective.form;
  }

  protected value(name: string): string {
    return String(this.form.get(name)?.value ?? '');
  }

  protected hasError(name: string, error: string): unknown {
    return this.form.get(name)?.errors?.[error];
  }

  /** python3 cannot run in the isolate: choosing it moves the function to a container. */
  runtimeChanged(): void {
    if (this.value('sandbox') === 'isolate' && !isolateAllowed(this.value('runtime'))) this.form.patchValue({ sandbox: 'container' });
  }

  /** Replaces the code (and runtime) with a starter template: an edit like typing it. */
  protected useTemplate(id: string): void {
    const template = STARTER_TEMPLATES.find((t) => t.id === id);
    if (!template) return;
    this.form.patchValue({ code: template.code, runtime: template.runtime });
    this.runtimeChanged();
    this.form.markAsDirty();
    this.templateUsed.emit();
  }
}
