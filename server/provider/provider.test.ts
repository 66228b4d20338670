import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { ruleFor } from '../testing/autoscale';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

const TENANTS = '/api/org/System/provider/tenants';
const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const monthStart = () => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), 1)).toISOString();
};
const THROWS = `module.exports = async (event) => { if (event.query.fail) throw new Error('boom'); return { statusCode: 200, body: 'ok' }; };`;
const focus = (cost: string) =>
  ['BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName', `${cost},EUR,${today()}T00:00:00Z,${tomorrow()}T00:00:00Z,mq-api,q-1,orders`].join('\n');

type Client = ReturnType<typeof api>;

/** What the org's own pages show: functions list, activations per function since the month's start, showback summary, rules list. */
async function ownPages(client: Client, org: string) {
  const fns = (await jsonOf(await client.get(`/api/org/${org}/faas/functions?limit=100`))).items as { name: string; status: string }[];
  let calls = 0;
  let errors = 0;
  let gbSeconds = 0;
  for (const f of fns) {
    const base = `/api/org/${org}/faas/functions/${f.name}/activations?since=${encodeURIComponent(monthStart())}&limit=100`;
    const all = await jsonOf(await client.get(base));
    const ok = await jsonOf(await client.get(`${base}&status=success`));
    calls += all.total;
    errors += all.total - ok.total;
    gbSeconds += all.items.reduce((a: number, x: { memoryMb: number; durationMs: number }) => a + (x.memoryMb / 1024) * (x.durationMs / 1000), 0);
  }
  const summary = await jsonOf(await client.get(`/api/org/${org}/showback/summary`));
  const rules = (await jsonOf(await client.get(`/api/org/${org}/autoscale/rules`))).items as { name: string; lastDecision: { at: string; action: string; reason: string } | null }[];
  const decided = rules.filter((r) => r.lastDecision).sort((a, b) => (a.lastDecision!.at < b.lastDecision!.at ? 1 : -1))[0];
  return {
    functions: {
      total: fns.length,
      ready: fns.filter((f) => f.status === 'ready').length,
      failed: fns.filter((f) => f.status === 'failed').length,
      initializing: fns.filter((f) => f.status === 'initializing').length,
    },
    usage: { calls, errors, gbSeconds },
    cost: {
      currency: summary.currency,
      monthToDate: summary.monthToDate,
      forecast: summary.forecast.value,
      lastMonth: summary.lastMonth,
      staleSources: (summary.stale?.sources ?? []).map((s: { name: string }) => s.name),
    },
    autoscale: {
      rules: rules.length,
      lastDecision: decided ? { rule: decided.name, action: decided.lastDecision!.action, reason: decided.lastDecision!.reason } : null,
    },
  };
}

describe.each(STORES)('provider tenants overview on %s', (kind) => {
  let h: Harness;
  let acme: Client;
  let globex: Client;
  let provider: Client;

  beforeAll(async () => {
    h = await startHarness(kind, { backend: { showbackRetryBaseMs: 600_000, showbackHttpAllowedHosts: '127.0.0.1:9' } });
    [acme, globex, provider] = (await Promise.all([h.login('acme'), h.login('globex'), h.login('provider')])).map((t) => api(() => h.backend.url, t));
    // acme: a ready function called 3 times (one throws), one that fails to build, a cost today, a stale source, a rule with a decision.
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('works', { code: THROWS }))).status).toBe(202);
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('broken', { code: 'module.exports = (' }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'works')).status).toBe('ready');
    expect((await acme.waitBuilt('acme', 'broken')).status).toBe('failed');
    for (const q of ['', '', '?fail=1']) await (await acme.get(`/api/org/acme/works${q}`)).text();
    expect((await acme.post('/api/org/acme/showback/imports', focus('12.34'), { 'Content-Type': 'text/csv' })).status).toBe(201);
    const down = await jsonOf(
      await acme.post('/api/org/acme/showback/sources', { kind: 'http', name: '=HYPERLINK("x")', schedule: '0 3 * * *', config: { url: 'http://127.0.0.1:9/c?from={from}' } }),
    );
    expect((await jsonOf(await acme.post(`/api/org/acme/showback/sources/${down.id}/run`, {}))).status).toBe('failed');
    expect((await acme.post('/api/org/acme/autoscale/rules', ruleFor(DEMO_INFRA_IDS.acme))).status).toBe(201);
    const alert = { alertId: 'a-1', alertName: 'CPU', status: 'ACTIVE', criticality: 'ALERT_CRITICALITY_LEVEL_WARNING', resourceId: 'g', resourceName: 'web', resourceKind: 'Environment', adapterKind: 'VMWARE', startDate: Date.now() };
    expect((await acme.post('/api/org/acme/autoscale/alerts', alert)).status).toBe(201);
  }, 120_000);
  afterAll(() => h?.close());

  it('lists every tenant org of vCD (not the provider org) with the figures each org\'s own pages show', async () => {
    const res = await provider.get(TENANTS);
    expect(res.status).toBe(200);
    const overview = await jsonOf(res);
    expect(overview.month).toBe(today().slice(0, 7));
    const names = overview.items.map((r: { org: string }) => r.org);
    expect(names).toEqual(expect.arrayContaining(['acme', 'globex']));
    expect(names.map((n: string) => n.toLowerCase())).not.toContain('system');
    for (const [org, client] of [['acme', acme], ['globex', globex]] as const) {
      const row = overview.items.find((r: { org: string }) => r.org === org);
      const own = await ownPages(client, org);
      expect(row.functions, org).toEqual(own.functions);
      expect(row.usage.calls, org).toBe(own.usage.calls);
      expect(row.usage.errors, org).toBe(own.usage.errors);
      expect(row.usage.gbSeconds, org).toBeCloseTo(own.usage.gbSeconds, 2);
      expect(row.cost, org).toEqual(own.cost);
      expect(row.autoscale.rules, org).toBe(own.autoscale.rules);
      expect(row.autoscale.lastDecision === null ? null : { rule: row.autoscale.lastDecision.rule, action: row.autoscale.lastDecision.action, reason: row.autoscale.lastDecision.reason }, org).toEqual(own.autoscale.lastDecision);
    }
    // And the figures are the ones set up above, so the comparison compared something.
    const acmeRow = overview.items.find((r: { org: string }) => r.org === 'acme');
    expect(acmeRow).toMatchObject({ functions: { total: 2, ready: 1, failed: 1 }, usage: { calls: 3, errors: 1 }, cost: { monthToDate: 1234, staleSources: ['=HYPERLINK("x")'] }, autoscale: { rules: 1, enabled: 1 } });
    expect(acmeRow.autoscale.lastDecision).toMatchObject({ rule: 'web' });
    expect(overview.items.find((r: { org: string }) => r.org === 'globex')).toMatchObject({ functions: { total: 0 }, usage: { calls: 0 }, cost: { monthToDate: 0 }, autoscale: { rules: 0, lastDecision: null } });
  });

  it('exports the same rows as CSV with tenants\' text made formula-safe', async () => {
    const res = await provider.get(`${TENANTS}.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/tenants-\d{4}-\d{2}\.csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^Org,DisplayName,Functions,Ready,Failed,Calls,Errors,GbSeconds,Currency,MonthToDate,Forecast/);
    const acmeLine = lines.find((l) => l.startsWith('acme,'));
    expect(acmeLine).toMatch(/^acme,[^,]*,2,1,1,3,1,[\d.]+,EUR,12\.34,/);
    expect(acmeLine).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('refuses a tenant with 403 problem+json, whether it names its own org or the provider\'s', async () => {
    for (const path of ['/api/org/acme/provider/tenants', '/api/org/acme/provider/tenants.csv']) {
      const res = await acme.get(path);
      expect(res.status, path).toBe(403);
      expect((await problemOf(res)).detail).toMatch(/only the provider/);
    }
    // Naming System, tenancy refuses it before the route does.
    const system = await acme.get(TENANTS);
    expect(system.status).toBe(403);
    expect((await problemOf(system)).detail).toMatch(/not the session's organization/);
    expect((await fetch(h.backend.url + TENANTS)).status).toBe(401);
  });

  it('documents the provider routes in the OpenAPI document', async () => {
    const doc = await jsonOf(await fetch(`${h.backend.url}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/org/{org}/provider/tenants', '/api/org/{org}/provider/tenants.csv']));
  });
});
