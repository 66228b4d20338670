import express, { type RequestHandler, Router } from 'express';
import { badRequest } from '../http/vcd-errors';

/** vCD's AMQP broker settings (`/api/admin/extension/settings/amqp`, vmext:AmqpSettings). */
export interface AmqpSettings {
  AmqpHost: string;
  AmqpPort: number;
  AmqpUsername: string;
  AmqpPassword: string;
  AmqpExchange: string;
  AmqpVHost: string;
  AmqpUseSSL: boolean;
  AmqpSslAcceptAll: boolean;
  AmqpPrefix: string;
}

export const AMQP_SETTINGS_MEDIA_TYPE = 'application/vnd.vmware.admin.amqpSettings+xml';

export const defaultAmqpSettings = (): AmqpSettings => ({
  AmqpHost: '',
  AmqpPort: 5672,
  AmqpUsername: 'guest',
  AmqpPassword: '',
  AmqpExchange: 'systemExchange',
  AmqpVHost: '/',
  AmqpUseSSL: false,
  AmqpSslAcceptAll: false,
  AmqpPrefix: 'vcd',
});

const FIELDS = Object.keys(defaultAmqpSettings()) as (keyof AmqpSettings)[];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function render(origin: string, s: AmqpSettings): string {
  const fields = FIELDS.map((f) => (f === 'AmqpPassword' ? '  <vmext:AmqpPassword/>' : `  <vmext:${f}>${esc(String(s[f]))}</vmext:${f}>`));
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<vmext:AmqpSettings xmlns="http://www.vmware.com/vcloud/v1.5" ` +
    `xmlns:vmext="http://www.vmware.com/vcloud/extension/v1.5" href="${origin}/api/admin/extension/settings/amqp" type="${AMQP_SETTINGS_MEDIA_TYPE}">\n` +
    `${fields.join('\n')}\n</vmext:AmqpSettings>\n`
  );
}

function parse(xml: string, current: AmqpSettings): AmqpSettings {
  if (!/<(\w+:)?AmqpSettings[\s>]/.test(xml)) throw badRequest('The body is not a vmext:AmqpSettings document.');
  const next = { ...current };
  for (const field of FIELDS) {
    const m = new RegExp(`<(?:\\w+:)?${field}>([^<]*)</(?:\\w+:)?${field}>`).exec(xml);
    if (!m) continue;
    const value = m[1].trim();
    if (field === 'AmqpPort') {
      if (!/^\d{1,5}$/.test(value)) throw badRequest(`vmext:AmqpPort "${value}" is not a port.`);
      next.AmqpPort = Number(value);
    } else if (field === 'AmqpUseSSL' || field === 'AmqpSslAcceptAll') next[field] = value === 'true';
    else next[field] = value;
  }
  return next;
}

/** GET and PUT of the AMQP settings, provider only; the password is write-only like vCD's. */
export function amqpSettingsRoutes(deps: { guard: RequestHandler[]; settings: AmqpSettings }): Router {
  const router = Router();
  const path = '/api/admin/extension/settings/amqp';
  const origin = (req: express.Request) => `${req.protocol}://${req.get('host')}`;
  router.get(path, ...deps.guard, (req, res) => {
    res.type(`${AMQP_SETTINGS_MEDIA_TYPE};version=${res.locals.apiVersion}`).send(render(origin(req), deps.settings));
  });
  router.put(path, ...deps.guard, express.text({ type: () => true, limit: '64kb' }), (req, res) => {
    Object.assign(deps.settings, parse(String(req.body ?? ''), deps.settings));
    res.type(`${AMQP_SETTINGS_MEDIA_TYPE};version=${res.locals.apiVersion}`).send(render(origin(req), deps.settings));
  });
  return router;
}
