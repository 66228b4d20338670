import type { RequestHandler } from 'express';
import { registerAuditPaths } from '../audit/openapi';
import { auditRoutes, providerAuditRoutes } from '../audit/routes';
import { AuditStore } from '../audit/store';
import { auditTrail } from '../audit/trail';
import type { LimitsChange } from '../provider/ports';
import type { ComposeContext, Part } from './part';

const HOUR = 3_600_000;

/**
 * The audit log (issue 18): the trail (after body parsing, before the feature routes) records each successful
 * change; the provider's limits report theirs with before and after. Entries older than AUDIT_RETENTION_DAYS are
 * dropped hourly by the replica holding the scheduled-work lease.
 */
export function composeAudit({ config, db, log }: ComposeContext): Part & { trail: RequestHandler; limitsChanged: (c: LimitsChange) => Promise<void> } {
  const store = new AuditStore(db);
  let timer: NodeJS.Timeout | undefined;
  const prune = () =>
    store.prune(new Date(Date.now() - config.auditRetentionDays * 24 * HOUR)).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'audit prune failed'));
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    trail: auditTrail((e) => store.insert(e), log),
    limitsChanged: async (c) => {
      const at = c.by.lastIndexOf('@');
      await store.insert({
        org: c.org ?? '*',
        actor: { user: at > 0 ? c.by.slice(0, at) : c.by, org: at > 0 ? c.by.slice(at + 1) : '', role: 'provider' },
        kind: 'limits',
        action: c.action,
        target: c.org ? `limits of ${c.org}` : 'default limits',
        fields: Object.keys({ ...c.before, ...c.after }).sort(),
        secrets: null,
        before: c.before as Record<string, unknown> | null,
        after: c.after as Record<string, unknown> | null,
      });
    },
    tenantRoutes: [
      { path: '/audit', router: auditRoutes(store) },
      { path: '/provider/audit', router: providerAuditRoutes(store) },
    ],
    openApiPaths: registerAuditPaths,
    async onLeaseAcquired() {
      await prune();
      timer ??= setInterval(() => void prune(), HOUR);
      timer.unref();
    },
    async onLeaseLost() {
      stop();
    },
    async close() {
      stop();
    },
  };
}
