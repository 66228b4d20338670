import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { isProviderScope } from '../core/acting-org';

/** One entry of the plugin's own navigation; features add theirs to PLUGIN_SECTIONS. */
export interface PluginSection {
  path: string;
  labelKey: string;
  testId: string;
}

export const PLUGIN_SECTIONS: PluginSection[] = [
  { path: 'functions', labelKey: 'serverless.nav.functions', testId: 'nav-functions' },
  { path: 'showback', labelKey: 'serverless.nav.showback', testId: 'nav-showback' },
  { path: 'autoscale', labelKey: 'serverless.nav.autoscale', testId: 'nav-autoscale' },
  { path: 'limits', labelKey: 'serverless.nav.limits', testId: 'nav-limits' },
  { path: 'audit', labelKey: 'serverless.nav.audit', testId: 'nav-audit' },
];

/** The provider's own entries, first: the tenants overview is the provider's landing page. */
export const PROVIDER_SECTIONS: PluginSection[] = [
  { path: 'tenants', labelKey: 'serverless.nav.tenants', testId: 'nav-tenants' },
  { path: 'provider-limits', labelKey: 'serverless.nav.providerLimits', testId: 'nav-provider-limits' },
];

/**
 * The frame of every plugin page: a Clarity subnav over the feature pages (functions, showback, autoscale); the
 * provider also gets Tenants (its functions, showback and autoscale entries are the System org's own).
 */
@Component({
  selector: 'vsl-plugin-shell',
  standalone: true,
  imports: [ClarityModule, RouterOutlet, RouterLink, RouterLinkActive, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="plugin-shell">
      <nav class="subnav" data-test="plugin-nav">
        <ul class="nav">
          @for (section of sections; track section.path) {
            <li class="nav-item">
              <a class="nav-link" [routerLink]="section.path" routerLinkActive="active" [attr.data-test]="section.testId">{{
                section.labelKey | translate
              }}</a>
            </li>
          }
        </ul>
      </nav>
      <div class="plugin-page">
        <router-outlet />
      </div>
    </div>
  `,
  styles: [
    `
      .plugin-page {
        padding-top: 0.5rem;
      }
    `,
  ],
})
export class PluginShellComponent {
  // The provider sets limits (provider-limits); the System org's own read-only limits would only repeat the default.
  protected readonly sections = isProviderScope() ? [...PROVIDER_SECTIONS, ...PLUGIN_SECTIONS.filter((s) => s.path !== 'limits')] : PLUGIN_SECTIONS;
}
