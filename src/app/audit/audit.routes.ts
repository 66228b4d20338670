import { Routes } from '@angular/router';
import { AuditPageComponent } from './audit-page.component';
import { AuditService } from './audit.service';

/** `audit`: the org's own log for a tenant, every org's for the provider. */
export const AUDIT_ROUTES: Routes = [{ path: 'audit', providers: [AuditService], component: AuditPageComponent }];
