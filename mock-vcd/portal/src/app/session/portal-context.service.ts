import { Injectable, computed, signal } from '@angular/core';
import { PluginContext, PortalScope } from './session.model';

/**
 * The scope and org the portal shows now. The router keeps a shell's lazily built plugin routes (and their
 * token values) for the page's life, so the context a shell was first built for is remembered per scope.
 */
@Injectable({ providedIn: 'root' })
export class PortalContextService {
  readonly current = signal<PluginContext | null>(null);
  /** The URL of the current portal's home: `/tenant/{org}` or `/provider`. */
  readonly baseUrl = computed(() => {
    const context = this.current();
    return context?.scope === 'provider' ? '/provider' : `/tenant/${encodeURIComponent(context?.orgName ?? '')}`;
  });
  private readonly built = new Map<PortalScope, PluginContext>();

  /** `false` when the shell of this scope was already built for another org (the page must reload). */
  enter(context: PluginContext): boolean {
    const built = this.built.get(context.scope);
    if (built && built.orgName !== context.orgName) return false;
    this.current.set(context);
    return true;
  }

  /** Records (once per scope) the context whose plugin routes the router now holds. */
  build(scope: PortalScope): PluginContext {
    const context = this.current();
    if (!context || context.scope !== scope) throw new Error(`No ${scope} portal context to build plugin routes for`);
    this.built.set(scope, context);
    return context;
  }
}
