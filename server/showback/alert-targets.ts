import { Invalid } from '../errors';
import { hostAllowed } from './allowlist';
import type { AlertFunctions } from './ports';

/** Where alerts may go, checked before a budget or the anomaly settings are stored (400 naming the field). */

/** A webhook URL whose host the provider allows (SHOWBACK_WEBHOOK_ALLOWED_HOSTS). */
export function checkWebhookHost(webhookUrl: string, allowedHosts: string[]): void {
  const url = new URL(webhookUrl);
  if (hostAllowed(url, allowedHosts)) return;
  const allowed = allowedHosts.length ? allowedHosts.join(', ') : 'no host';
  throw new Invalid(`alert webhooks may not call ${url.host}: the provider allows ${allowed}`, [
    { path: 'webhookUrl', message: `host ${url.host} is not in the allowed hosts (SHOWBACK_WEBHOOK_ALLOWED_HOSTS)` },
  ]);
}

/** One of the org's functions, subscribed to the alerts' event source (a function of another org is not found here). */
export async function checkAlertFunction(functions: Pick<AlertFunctions, 'check'>, org: string, name: string, event: string): Promise<void> {
  const found = await functions.check(org, name, event);
  if (found === 'missing') {
    throw new Invalid(`function "${name}" does not exist in this organization`, [{ path: 'function', message: `no function "${name}" in organization "${org}"` }]);
  }
  if (found === 'not-subscribed') {
    throw new Invalid(`function "${name}" does not subscribe to ${event}`, [{ path: 'function', message: `function "${name}" needs an event trigger on ${event}` }]);
  }
}
