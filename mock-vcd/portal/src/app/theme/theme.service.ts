import { Injectable, signal } from '@angular/core';

export type PortalTheme = 'light' | 'dark';
const STORAGE_KEY = 'vcd.portal.theme';

function storedTheme(): PortalTheme {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'dark' ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

function applyTheme(theme: PortalTheme): void {
  if (theme === 'dark') document.body.setAttribute('cds-theme', 'dark');
  else document.body.removeAttribute('cds-theme');
}

/** Before bootstrap, so the first paint already has the remembered theme. */
export function applyStoredTheme(): void {
  applyTheme(storedTheme());
}

/** Light by default; dark is Clarity's `cds-theme="dark"` on body; the choice is remembered. */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  readonly theme = signal<PortalTheme>(storedTheme());

  toggle(): void {
    const next: PortalTheme = this.theme() === 'dark' ? 'light' : 'dark';
    localStorage.setItem(STORAGE_KEY, next);
    applyTheme(next);
    this.theme.set(next);
  }
}
