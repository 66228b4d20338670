import { Router } from 'express';
import { demoCharges, hasDemoBilling } from './demo-data';

export interface BillingOptions {
  /** The bearer token the billing API wants; default "demo-billing-token" (a mock-only credential). */
  token?: string;
  now?: () => number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A vRB-like billing API beside the mock vCD (not a vCD API): `GET /billing/api/v1/orgs/{org}/charges?from&to`
 * (days, to exclusive) with `Authorization: Bearer <token>`, answering `{org, currency, items: Charge[]}`.
 */
export function billingRoutes(options: BillingOptions = {}): Router {
  const token = options.token ?? 'demo-billing-token';
  const router = Router();
  router.get('/billing/api/v1/orgs/:org/charges', (req, res) => {
    if (req.get('authorization') !== `Bearer ${token}`) {
      res.status(401).json({ error: 'unauthorized', message: 'a valid bearer token is required' });
      return;
    }
    const org = String(req.params.org);
    if (!hasDemoBilling(org)) {
      res.status(404).json({ error: 'not_found', message: `no billing account for org ${org}` });
      return;
    }
    const from = String(req.query.from ?? '');
    const to = String(req.query.to ?? '');
    if (!DAY.test(from) || !DAY.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
      res.status(400).json({ error: 'bad_request', message: 'from and to must be days YYYY-MM-DD' });
      return;
    }
    const items = demoCharges(org, new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`), (options.now ?? Date.now)());
    res.json({ org: org.toLowerCase(), currency: items[0]?.currency ?? 'EUR', items });
  });
  return router;
}
