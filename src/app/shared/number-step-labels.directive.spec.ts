import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule } from '@clr/angular';
import { providePluginTesting } from '../../testing/plugin-testing';
import { NumberStepLabelsDirective } from './number-step-labels.directive';

@Component({
  standalone: true,
  imports: [ClrFormsModule, ReactiveFormsModule, NumberStepLabelsDirective],
  template: `<clr-number-input-container>
    <label for="memory">Memory (MB)</label>
    <input clrNumberInput type="number" id="memory" [formControl]="memory" />
  </clr-number-input-container>`,
})
class HostComponent {
  readonly memory = new FormControl(64);
}

function stepButtons(locale: string): HTMLButtonElement[] {
  TestBed.configureTestingModule({ providers: providePluginTesting({ locale }) });
  const fixture = TestBed.createComponent(HostComponent);
  fixture.detectChanges();
  return Array.from((fixture.nativeElement as HTMLElement).querySelectorAll<HTMLButtonElement>('.clr-input-group-actions button'));
}

describe('NumberStepLabelsDirective', () => {
  it("gives Clarity's − and + buttons names with the field's label (a screen reader said only 'button')", () => {
    const [down, up] = stepButtons('en-US');
    expect(down.getAttribute('aria-label')).toBe('Decrease Memory (MB)');
    expect(up.getAttribute('aria-label')).toBe('Increase Memory (MB)');
  });

  it('names them in German for a German portal', () => {
    const [down, up] = stepButtons('de-DE');
    expect(down.getAttribute('aria-label')).toBe('Memory (MB) verringern');
    expect(up.getAttribute('aria-label')).toBe('Memory (MB) erhöhen');
  });
});
