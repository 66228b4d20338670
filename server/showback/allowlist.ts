/**
 * The provider's host allowlists (SHOWBACK_HTTP_ALLOWED_HOSTS for billing sources, SHOWBACK_WEBHOOK_ALLOWED_HOSTS
 * for alert webhooks): the backend calls out only to hosts the provider named.
 */

/** Whether a URL's host (host or host:port) matches an allowlist entry: "host", "host:port" or "*.domain". */
export function hostAllowed(url: URL, allowed: string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    const name = m[1].replace(/^\[|\]$/g, '');
    if (m[2] && m[2] !== port) return false;
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name;
  });
}

/** The list from a comma-separated setting, blanks dropped. */
export const hostList = (setting: string): string[] => setting.split(',').map((h) => h.trim()).filter(Boolean);
