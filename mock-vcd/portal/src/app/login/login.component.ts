import { Component, Input, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { homeUrl } from '../session/session.model';
import { LoginFailedError, SessionService } from '../session/session.service';

/** vCD's login page: `/login` (any org, `user@org`) and `/tenant/{org}/login` (the org is given). */
@Component({
  selector: 'portal-login',
  standalone: true,
  imports: [FormsModule, ClarityModule],
  templateUrl: './login.component.html',
  styleUrl: './login.component.css',
})
export class LoginComponent {
  private readonly sessions = inject(SessionService);
  private readonly router = inject(Router);

  /** Route parameter of `/tenant/:org/login`. */
  @Input() org = '';
  /** `?expired=1` when the portal sent the user back because vCD said the session is over. */
  @Input() expired = '';

  protected username = '';
  protected orgField = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal('');

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    this.error.set('');
    this.busy.set(true);
    try {
      const session = await this.sessions.login(this.username, this.password, this.org || this.orgField);
      await this.router.navigateByUrl(homeUrl(session));
    } catch (err) {
      this.password = '';
      this.error.set(err instanceof LoginFailedError ? err.message : String(err));
    } finally {
      this.busy.set(false);
    }
  }
}
