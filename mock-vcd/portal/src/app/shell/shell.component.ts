import { Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationError, RouteConfigLoadEnd, RouteConfigLoadStart, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { interval } from 'rxjs';
import { PluginCatalogService } from '../plugins/plugin-catalog.service';
import { PortalContextService } from '../session/portal-context.service';
import { SessionService } from '../session/session.service';
import { ThemeService } from '../theme/theme.service';

const SESSION_CHECK_MS = 60_000;

/** The org-scoped portal frame: header with branding, navigation (Home + one entry per plugin), user menu. */
@Component({
  selector: 'portal-shell',
  standalone: true,
  imports: [ClarityModule, RouterLink, RouterLinkActive, RouterOutlet],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
})
export class ShellComponent {
  private readonly sessions = inject(SessionService);
  private readonly router = inject(Router);
  protected readonly theme = inject(ThemeService);
  protected readonly catalog = inject(PluginCatalogService);
  protected readonly context = inject(PortalContextService).current;
  protected readonly session = this.sessions.session;
  protected readonly loadingPlugin = signal(false);
  protected readonly loadError = signal('');
  protected readonly base = inject(PortalContextService).baseUrl;

  constructor() {
    this.router.events.pipe(takeUntilDestroyed()).subscribe((event) => {
      if (event instanceof RouteConfigLoadStart) {
        this.loadingPlugin.set(true);
        this.loadError.set('');
      } else if (event instanceof RouteConfigLoadEnd) {
        this.loadingPlugin.set(false);
      } else if (event instanceof NavigationError) {
        this.loadingPlugin.set(false);
        this.loadError.set(event.error instanceof Error ? event.error.message : String(event.error));
      }
    });
    interval(SESSION_CHECK_MS)
      .pipe(takeUntilDestroyed())
      .subscribe(() => void this.checkSession());
  }

  protected async logout(): Promise<void> {
    const loginUrl = this.loginUrl();
    await this.sessions.logout();
    // A full load drops the plugins' routes and state along with the session, as vCD's portal does.
    location.assign(loginUrl);
  }

  private async checkSession(): Promise<void> {
    const alive = await this.sessions.verify().catch(() => true);
    if (!alive) location.assign(`${this.loginUrl()}?expired=1`);
  }

  private loginUrl(): string {
    const context = this.context();
    return context?.scope === 'tenant' ? `/tenant/${encodeURIComponent(context.orgName)}/login` : '/login';
  }
}
