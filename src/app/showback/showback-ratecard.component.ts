import { ChangeDetectionStrategy, Component, LOCALE_ID, OnInit, inject, signal } from '@angular/core';
import { FormArray, FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { RateCardInput, RateCardView } from '../../../contract/showback';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ShowbackService } from './showback.service';

/** A unit price in the locale with as many fractional digits as it needs: 0.0000166667 EUR → "€0.0000166667". */
export function formatRate(value: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 10 }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

/** The priced rates, in the order the page shows them. */
export const RATE_FIELDS = ['vcpuHour', 'ramGbHour', 'storageGbMonth', 'functionInvocation', 'functionGbSecond'] as const;
type RateField = (typeof RATE_FIELDS)[number];

/** A price as typed: a plain decimal of 0 or more, point or comma (text, so 0.0000002 is not shown as 2e-7). */
const PRICE = /^\s*\d+([.,]\d+)?\s*$/;
const price = (required: boolean) =>
  new FormControl('', { nonNullable: true, validators: required ? [Validators.required, Validators.pattern(PRICE)] : [Validators.pattern(PRICE)] });
const rateGroup = (required: boolean) => new FormGroup(Object.fromEntries(RATE_FIELDS.map((f) => [f, price(required)])) as Record<RateField, FormControl<string>>);

const toNumber = (typed: string): number => Number(typed.trim().replace(',', '.'));

/** 2e-7 → "0.0000002": the decimal a provider types, never exponent notation. */
export function plainDecimal(value: number | undefined): string {
  if (value === undefined) return '';
  return value.toFixed(12).replace(/\.?0+$/, '');
}
const overrideRow = () => new FormGroup({ org: new FormControl('', { nonNullable: true, validators: [Validators.required] }), rates: rateGroup(false) });

/**
 * The rate card: the provider edits the prices (per vCPU-hour, GB-RAM-hour, GB-storage-month, function call and
 * GB-second) and per-org overrides; a tenant reads the rates its org is charged.
 */
@Component({
  selector: 'vsl-showback-ratecard',
  standalone: true,
  imports: [ClarityModule, ReactiveFormsModule, I18nModule, RouterLink, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './showback-ratecard.component.html',
  styles: [
    `
      .title-row { display: flex; align-items: baseline; gap: 1rem; }
      .rates { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 1rem; }
      .override { display: grid; grid-template-columns: 10rem repeat(5, minmax(8rem, 1fr)) auto; gap: 0 0.75rem; align-items: end; }
      .actions { margin-top: 1rem; display: flex; gap: 0.5rem; } .actions .btn { margin: 0; }
    `,
  ],
})
export class ShowbackRateCardComponent implements OnInit {
  private readonly showback = inject(ShowbackService);
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';

  protected readonly fields = RATE_FIELDS;
  readonly card = signal<RateCardView | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly saving = signal(false);
  readonly saveError = signal<ApiError | null>(null);
  readonly saved = signal(false);
  /** Metered prices are kept as they are (set through the API); the page shows how many there are. */
  private metered: Record<string, number> = {};

  readonly form = new FormGroup({
    currency: new FormControl('EUR', { nonNullable: true, validators: [Validators.required, Validators.pattern(/^[A-Z]{3}$/)] }),
    rates: rateGroup(true),
    overrides: new FormArray<ReturnType<typeof overrideRow>>([]),
  });

  ngOnInit(): void {
    this.showback.rateCard().subscribe({
      next: (card) => {
        this.show(card);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  private show(card: RateCardView): void {
    this.card.set(card);
    this.metered = card.rates.metered ?? {};
    this.form.controls.overrides.clear();
    for (const org of Object.keys(card.overrides)) this.form.controls.overrides.push(overrideRow());
    this.form.setValue({
      currency: card.currency,
      rates: Object.fromEntries(RATE_FIELDS.map((f) => [f, plainDecimal(card.rates[f])])) as Record<RateField, string>,
      overrides: Object.entries(card.overrides).map(([org, rates]) => ({
        org,
        rates: Object.fromEntries(RATE_FIELDS.map((f) => [f, plainDecimal(rates[f])])) as Record<RateField, string>,
      })),
    });
  }

  protected rate(value: number, currency: string): string {
    return formatRate(value, currency, this.locale);
  }

  protected meteredEntries(): [string, number][] {
    return Object.entries(this.card()?.rates.metered ?? {});
  }

  addOverride(): void {
    this.form.controls.overrides.push(overrideRow());
  }

  removeOverride(index: number): void {
    this.form.controls.overrides.removeAt(index);
  }

  /** The PUT body: overrides keep only the rates that were filled. */
  request(): RateCardInput {
    const v = this.form.getRawValue();
    const rates = Object.fromEntries(RATE_FIELDS.map((f) => [f, toNumber(v.rates[f])])) as Record<RateField, number>;
    const overrides = Object.fromEntries(
      v.overrides.map((o) => [
        o.org.trim().toLowerCase(),
        Object.fromEntries(RATE_FIELDS.filter((f) => o.rates[f].trim() !== '').map((f) => [f, toNumber(o.rates[f])])),
      ]),
    );
    return { currency: v.currency.trim().toUpperCase(), rates: { ...rates, metered: this.metered }, overrides };
  }

  save(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.saved.set(false);
    this.saveError.set(null);
    this.showback.saveRateCard(this.request()).subscribe({
      next: (card) => {
        this.saving.set(false);
        this.saved.set(true);
        this.show({ ...card, editable: true });
      },
      error: (error: ApiError) => {
        this.saving.set(false);
        this.saveError.set(error);
        for (const fieldError of error.fieldErrors) {
          const control = this.controlOf(fieldError.path);
          if (!control) continue;
          control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
          control.markAsTouched();
        }
      },
    });
  }

  /** The form control a backend error path names: currency, rates.<field>, overrides.<org>.<field>. */
  private controlOf(path: string): FormControl | null {
    const [head, second, third] = path.split('.');
    if (head === 'currency') return this.form.controls.currency;
    if (head === 'rates' && (RATE_FIELDS as readonly string[]).includes(second)) return this.form.controls.rates.controls[second as RateField];
    if (head === 'overrides') {
      const row = this.form.controls.overrides.controls.find((r) => r.controls.org.value.trim().toLowerCase() === second);
      if (row && (RATE_FIELDS as readonly string[]).includes(third)) return row.controls.rates.controls[third as RateField];
    }
    return null;
  }
}
