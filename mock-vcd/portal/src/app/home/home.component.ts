import { Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { PluginCatalogService } from '../plugins/plugin-catalog.service';
import { PortalContextService } from '../session/portal-context.service';

/** The landing page of a portal: a welcome naming the org and a card per plugin. */
@Component({
  selector: 'portal-home',
  standalone: true,
  imports: [ClarityModule, RouterLink],
  template: `
    <h2 data-test="home-title">
      Welcome to {{ context()?.scope === 'provider' ? 'the provider portal' : context()?.orgName }}
    </h2>
    <p class="intro">
      This is a stand-in for VMware Cloud Director's portal, hosting UI plugins the way vCD does.
      @if (catalog.plugins().length === 0) {
        No plugin is published to this organization.
      } @else {
        Open a plugin:
      }
    </p>
    <div class="clr-row">
      @for (plugin of catalog.plugins(); track plugin.id) {
        <div class="clr-col-12 clr-col-md-6 clr-col-lg-4">
          <a class="card clickable" [routerLink]="base() + '/plugins/' + plugin.route" [attr.data-test]="'home-plugin-' + plugin.route">
            <div class="card-block">
              <h3 class="card-title"><cds-icon shape="plugin"></cds-icon> {{ plugin.name }}</h3>
              <p class="card-text">{{ plugin.description }}</p>
            </div>
          </a>
        </div>
      }
    </div>
  `,
  styles: ['.intro { max-width: 40rem; } a.card { display: block; text-decoration: none; } .card-title cds-icon { margin-right: 0.3rem; }'],
})
export class HomeComponent {
  protected readonly catalog = inject(PluginCatalogService);
  protected readonly context = inject(PortalContextService).current;
  protected readonly base = computed(() => {
    const context = this.context();
    return context?.scope === 'provider' ? '/provider' : `/tenant/${encodeURIComponent(context?.orgName ?? '')}`;
  });
}
