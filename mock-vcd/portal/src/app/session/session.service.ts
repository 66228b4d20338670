import { HttpClient, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { vcdCommon } from '../host/vcd-common';
import { PROVIDER_ORG, PortalSession, VCD_ACCEPT, VcdSessionWire, parseLogin, toPortalSession } from './session.model';

const STORAGE_KEY = 'vcd.portal.session';
const TOKEN_HEADER = 'X-VMWARE-VCLOUD-ACCESS-TOKEN';

export class LoginFailedError extends Error {
  constructor(
    readonly kind: 'credentials' | 'input' | 'server',
    message: string,
  ) {
    super(message);
  }
}

/** The portal's vCD session: login, the current session check, logout. The token lives in sessionStorage. */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly http = inject(HttpClient);
  /** The one holder every plugin gets as `AuthTokenHolderService`; its token follows the session. */
  readonly tokenHolder = new vcdCommon.AuthTokenHolderService();
  readonly session = signal<PortalSession | null>(this.restore());

  async login(login: string, password: string, orgField = ''): Promise<PortalSession> {
    const { user, org } = parseLogin(login, orgField);
    if (!user || !org) throw new LoginFailedError('input', 'Enter a user name as user@organization, or a user and an organization.');
    const provider = org.toLowerCase() === PROVIDER_ORG.toLowerCase();
    const headers = new HttpHeaders({
      Accept: VCD_ACCEPT,
      Authorization: `Basic ${base64Utf8(`${user}@${org}:${password}`)}`,
    });
    const url = provider ? '/cloudapi/1.0.0/sessions/provider' : '/cloudapi/1.0.0/sessions';
    try {
      const res = await firstValueFrom(this.http.post<VcdSessionWire>(url, null, { headers, observe: 'response' }));
      const token = res.headers.get(TOKEN_HEADER);
      if (!token) throw new LoginFailedError('server', `vCD answered without the ${TOKEN_HEADER} header.`);
      const wire = res.body?.org?.name ? res.body : await this.fetchCurrent(token);
      const session = toPortalSession(token, wire ?? {}, { user, org });
      this.store(session);
      return session;
    } catch (err) {
      if (err instanceof LoginFailedError) throw err;
      if (err instanceof HttpErrorResponse && (err.status === 401 || err.status === 403)) {
        throw new LoginFailedError('credentials', 'Incorrect user name, organization or password.');
      }
      throw new LoginFailedError('server', `Login failed: ${describeHttpError(err)}`);
    }
  }

  /** Asks vCD whether the stored session is still alive; `false` (and the session is dropped) on a 401. */
  async verify(): Promise<boolean> {
    const current = this.session();
    if (!current) return false;
    try {
      const wire = await this.fetchCurrent(current.token);
      const refreshed = toPortalSession(current.token, wire, { user: current.userName, org: current.orgName });
      this.store(refreshed);
      return true;
    } catch (err) {
      if (err instanceof HttpErrorResponse && err.status === 401) {
        this.clear();
        return false;
      }
      throw err;
    }
  }

  async logout(): Promise<void> {
    const current = this.session();
    this.clear();
    if (!current) return;
    const headers = new HttpHeaders({ Accept: VCD_ACCEPT, Authorization: `Bearer ${current.token}` });
    await firstValueFrom(this.http.delete('/cloudapi/1.0.0/sessions/current', { headers })).catch(() => undefined);
  }

  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.tokenHolder.token = '';
    this.session.set(null);
  }

  private fetchCurrent(token: string): Promise<VcdSessionWire> {
    const headers = new HttpHeaders({ Accept: VCD_ACCEPT, Authorization: `Bearer ${token}` });
    return firstValueFrom(this.http.get<VcdSessionWire>('/cloudapi/1.0.0/sessions/current', { headers }));
  }

  private store(session: PortalSession): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.tokenHolder.token = session.token;
    this.session.set(session);
  }

  private restore(): PortalSession | null {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      const session = raw ? (JSON.parse(raw) as PortalSession) : null;
      if (session?.token) {
        this.tokenHolder.token = session.token;
        return session;
      }
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
    return null;
  }
}

export function describeHttpError(err: unknown): string {
  if (err instanceof HttpErrorResponse) {
    const body = err.error as { detail?: string; message?: string } | string | null;
    const text = typeof body === 'string' ? body : (body?.detail ?? body?.message);
    return err.status === 0 ? 'vCD is not reachable' : `${err.status} ${text ?? err.statusText}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
