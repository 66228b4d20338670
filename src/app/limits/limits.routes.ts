import { Routes } from '@angular/router';
import { providerOnly } from '../core/acting-org';
import { LimitsPageComponent } from './limits-page.component';
import { LimitsViewComponent } from './limits-view.component';
import { LimitsService } from './limits.service';

/** A tenant's read-only `limits`; the provider's `provider-limits` (default and per-org limits). */
export const LIMITS_ROUTES: Routes = [
  { path: 'limits', providers: [LimitsService], component: LimitsViewComponent },
  { path: 'provider-limits', canActivate: [providerOnly], providers: [LimitsService], component: LimitsPageComponent },
];
