import { ChangeDetectionStrategy, Component, Input, OnChanges, OnDestroy, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { Subscription } from 'rxjs';
import type { ActivationStatus, ActivationTrigger } from '../../../contract/functions';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ACTIVATION_STATUSES } from './function-activations.component';
import { Activation } from './functions.model';
import { FunctionsService } from './functions.service';

const TRIGGERS: readonly ActivationTrigger[] = ['http', 'event', 'async', 'schedule'];
/** How long the backend holds one poll open waiting for a call (its maximum is 20 s). */
export const LIVE_WAIT_MS = 20_000;
/** Calls kept on screen, newest first. */
export const LIVE_KEPT = 100;

/**
 * Live logs (issue 13, item 5): new calls of the function and their log lines as they are recorded, filtered by
 * status, trigger and version. Long-polls the backend's feed by cursor (every transport carries it); stops when
 * the user says so or leaves the page.
 */
@Component({
  selector: 'vsl-function-live-logs',
  standalone: true,
  imports: [FormsModule, ClrFormsModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <vsl-problem-alert [error]="error()" (closed)="error.set(null)" />
    <div class="toolbar">
      <label for="live-status">{{ 'serverless.functions.activations.filter' | translate }}</label>
      <select id="live-status" [ngModel]="status()" (ngModelChange)="refilter(status, $event)" data-test="live-status">
        <option value="">{{ 'serverless.functions.live.any' | translate }}</option>
        @for (s of statuses; track s) {
          <option [value]="s">{{ 'serverless.functions.activations.status.' + s | translate }}</option>
        }
      </select>
      <label for="live-trigger">{{ 'serverless.functions.live.trigger' | translate }}</label>
      <select id="live-trigger" [ngModel]="trigger()" (ngModelChange)="refilter(trigger, $event)" data-test="live-trigger">
        <option value="">{{ 'serverless.functions.live.any' | translate }}</option>
        @for (t of triggers; track t) {
          <option [value]="t">{{ 'serverless.functions.activations.triggerKind.' + t | translate }}</option>
        }
      </select>
      <label for="live-version">{{ 'serverless.functions.live.version' | translate }}</label>
      <input id="live-version" type="number" min="1" class="version" [ngModel]="version()" (ngModelChange)="refilter(version, $event)" data-test="live-version" />
      @if (following()) {
        <button type="button" class="btn btn-sm btn-secondary" (click)="stop()" data-test="live-stop">{{ 'serverless.functions.live.stop' | translate }}</button>
      } @else {
        <button type="button" class="btn btn-sm btn-primary" (click)="start()" data-test="live-start">{{ 'serverless.functions.live.start' | translate }}</button>
      }
    </div>
    <p class="clr-subtext" data-test="live-state">{{ (following() ? 'serverless.functions.live.following' : 'serverless.functions.live.stopped') | translate }}</p>
    @for (a of calls(); track a.id) {
      <div class="call" data-test="live-call">
        <div class="head" data-test="live-call-head">{{ a.start | formatDateTime }} · v{{ a.version }} · {{ 'serverless.functions.activations.triggerKind.' + a.trigger | translate }} · {{ 'serverless.functions.activations.status.' + a.status | translate }} · {{ a.statusCode }}</div>
        <pre class="logs" data-test="live-call-logs">{{ a.logs.length ? a.logs.join('\\n') : ('serverless.functions.live.noLogs' | translate) }}</pre>
      </div>
    }
  `,
  styles: [
    `.toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
     .version { width: 5rem; }
     .call { border-top: 1px solid var(--cds-alias-object-border-color, #ccc); padding: 0.25rem 0; }
     .logs { font-family: var(--cds-global-typography-monospace-font-family, monospace); white-space: pre-wrap; margin: 0.25rem 0; padding: 0.25rem 0.5rem; }`,
  ],
})
export class FunctionLiveLogsComponent implements OnChanges, OnDestroy {
  private readonly functionsService = inject(FunctionsService);
  private poll: Subscription | undefined;
  private cursor: string | undefined;

  @Input({ required: true }) name!: string;

  protected readonly statuses = ACTIVATION_STATUSES;
  protected readonly triggers = TRIGGERS;
  protected readonly status = signal<ActivationStatus | ''>('');
  protected readonly trigger = signal<ActivationTrigger | ''>('');
  protected readonly version = signal<number | null>(null);
  protected readonly following = signal(false);
  protected readonly calls = signal<Activation[]>([]);
  protected readonly error = signal<ApiError | null>(null);

  ngOnChanges(): void {
    this.stop();
    this.calls.set([]);
  }

  ngOnDestroy(): void {
    this.stop();
  }

  /** Follows from now on: the first poll answers the current cursor at once, the next ones wait for calls. */
  start(): void {
    this.stop();
    this.cursor = undefined;
    this.following.set(true);
    this.next();
  }

  stop(): void {
    this.poll?.unsubscribe();
    this.poll = undefined;
    this.following.set(false);
  }

  /** A changed filter applies from the next poll on; the calls already shown stay. */
  protected refilter<T>(field: { set(value: T): void }, value: T): void {
    field.set(value);
    if (this.following()) {
      this.poll?.unsubscribe();
      this.next();
    }
  }

  private next(): void {
    const version = Number(this.version()) || undefined;
    this.poll = this.functionsService
      .activationFeed(this.name, {
        after: this.cursor,
        status: this.status() || undefined,
        trigger: this.trigger() || undefined,
        version,
        waitMs: this.cursor === undefined ? 0 : LIVE_WAIT_MS,
      })
      .subscribe({
        next: (page) => {
          this.cursor = page.cursor;
          if (page.items.length) this.calls.set([...page.items.reverse(), ...this.calls()].slice(0, LIVE_KEPT));
          if (this.following()) this.next();
        },
        error: (error: ApiError) => {
          this.error.set(error);
          this.stop();
        },
      });
  }
}
