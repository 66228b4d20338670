import { Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { PluginCatalogService } from '../plugins/plugin-catalog.service';
import { OrgRef, OrgsService } from '../session/orgs.service';
import { PortalContextService } from '../session/portal-context.service';

/** The landing page of a portal: a welcome naming the org, a card per plugin; the provider also gets the orgs. */
@Component({
  selector: 'portal-home',
  standalone: true,
  imports: [ClarityModule, RouterLink],
  templateUrl: './home.component.html',
  styleUrl: './home.component.css',
})
export class HomeComponent {
  protected readonly catalog = inject(PluginCatalogService);
  protected readonly context = inject(PortalContextService).current;
  protected readonly orgs = signal<OrgRef[]>([]);
  protected readonly base = inject(PortalContextService).baseUrl;

  constructor() {
    if (this.context()?.scope === 'provider') {
      inject(OrgsService)
        .list()
        .then((orgs) => this.orgs.set(orgs.filter((org) => org.name.toLowerCase() !== 'system')))
        .catch(() => this.orgs.set([]));
    }
  }
}
