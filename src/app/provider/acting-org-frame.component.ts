import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ClrAlertModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ActingOrg } from '../core/acting-org';

/**
 * The frame of an org's pages as the provider opens them from the tenants overview: a banner that says whose data
 * this is (every form below writes to that org), the way back, and the org's own functions, showback and autoscale.
 */
@Component({
  selector: 'vsl-acting-org-frame',
  standalone: true,
  imports: [ClrAlertModule, I18nModule, RouterLink, RouterLinkActive, RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <clr-alert clrAlertType="warning" [clrAlertClosable]="false" data-test="acting-banner">
      <clr-alert-item>
        <span class="alert-text" data-test="acting-org">{{ 'serverless.provider.acting.banner' | translate: { org: org() } }}</span>
        <div class="alert-actions">
          <a class="alert-action" [routerLink]="['../../tenants']" data-test="acting-back">{{ 'serverless.provider.acting.back' | translate }}</a>
        </div>
      </clr-alert-item>
    </clr-alert>
    <nav class="subnav" data-test="acting-nav">
      <ul class="nav">
        @for (section of sections; track section.path) {
          <li class="nav-item">
            <a class="nav-link" [routerLink]="section.path" routerLinkActive="active" [attr.data-test]="'acting-' + section.path">{{
              section.labelKey | translate
            }}</a>
          </li>
        }
      </ul>
    </nav>
    <div class="acting-page"><router-outlet /></div>
  `,
  styles: [`.acting-page { padding-top: 0.5rem; } clr-alert { display: block; margin-bottom: 0.5rem; }`],
})
export class ActingOrgFrameComponent {
  protected readonly org = inject(ActingOrg).name;
  protected readonly sections = [
    { path: 'functions', labelKey: 'serverless.nav.functions' },
    { path: 'showback', labelKey: 'serverless.nav.showback' },
    { path: 'autoscale', labelKey: 'serverless.nav.autoscale' },
  ];
}
