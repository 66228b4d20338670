import { AfterViewInit, Directive, ElementRef, inject } from '@angular/core';
import { TranslationService } from '@vcd/i18n';

/**
 * Names Clarity's number-input step buttons. ClrNumberInputContainer (Clarity 17) renders its − and + as icon-only
 * buttons without an accessible name, which axe reports as critical (button-name, e2e/a11y.spec.ts): a screen
 * reader announces just "button". Applies to every clr-number-input-container of a component that imports it.
 */
@Directive({ selector: 'clr-number-input-container', standalone: true })
export class NumberStepLabelsDirective implements AfterViewInit {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly translations = inject(TranslationService);

  ngAfterViewInit(): void {
    const field = this.host.nativeElement.querySelector('label')?.textContent?.trim() ?? '';
    const [down, up] = Array.from(this.host.nativeElement.querySelectorAll<HTMLButtonElement>('.clr-input-group-actions button'));
    down?.setAttribute('aria-label', this.translations.translate('serverless.common.stepDown', [{ field }]));
    up?.setAttribute('aria-label', this.translations.translate('serverless.common.stepUp', [{ field }]));
  }
}
