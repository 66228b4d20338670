import '@cds/core/icon/register.js';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';
import { installAmdHost } from './app/host/amd-loader';
import { registerPortalIcons } from './app/host/icons';
import { sharedModules } from './app/host/shared-modules';
import { applyStoredTheme } from './app/theme/theme.service';

// Plugins read `window.System.registry` the moment their bundle runs, so the host is in place first.
installAmdHost(sharedModules);
registerPortalIcons();
applyStoredTheme();

bootstrapApplication(AppComponent, appConfig).catch((err) => console.error('[portal] bootstrap failed', err));
