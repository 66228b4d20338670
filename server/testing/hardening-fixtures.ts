import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { api, jsonOf, newFunction, type Harness } from './harness';
import { ruleFor } from './autoscale';

export type DemoOrg = 'acme' | 'globex';

/** One of each thing an org keeps, so path parameters name real objects and a leak would be visible. */
export interface OrgFixtures {
  fn: string;
  activationId: string;
  sourceId: string;
  ruleId: string;
  edgeId: string;
  budgetId: string;
}

/** Makes a ready function (invoked once), an HTTP billing source, a budget and a disabled rule; each names `<org>-private`. */
export async function makeFixtures(h: Harness, org: DemoOrg, token: string): Promise<OrgFixtures> {
  const client = api(() => h.backend.url, token);
  const ids = DEMO_INFRA_IDS[org];
  const fn = `${org}-matrix`;
  const created = await client.post(`/api/org/${org}/faas/functions`, newFunction(fn, { env: { MARK: `${org}-private-value` } }));
  if (created.status !== 202) throw new Error(`fixture function of ${org}: ${created.status} ${await created.text()}`);
  if ((await client.waitBuilt(org, fn)).status !== 'ready') throw new Error(`fixture function of ${org} did not build`);
  await client.get(`/api/org/${org}/${fn}`);
  const activations = await jsonOf(await client.get(`/api/org/${org}/faas/functions/${fn}/activations`));
  const source = await jsonOf(
    await client.post(`/api/org/${org}/showback/sources`, {
      kind: 'http',
      name: `${org}-private-billing`,
      schedule: '0 3 * * *',
      config: { url: `${h.mock.url}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
    }),
  );
  const budget = await jsonOf(await client.post(`/api/org/${org}/showback/budgets`, { name: `${org}-private-budget`, amount: 100_00 }));
  const edgeId = `urn:vcloud:gateway:${ids.edge}`;
  const rule = await jsonOf(
    await client.post(`/api/org/${org}/autoscale/rules`, ruleFor(ids, {
      name: `${org}-private-rule`,
      enabled: false,
    })),
  );
  const made = { fn, activationId: activations.items?.[0]?.id, sourceId: source.id, ruleId: rule.id, edgeId, budgetId: budget.id };
  for (const [key, value] of Object.entries(made)) if (!value) throw new Error(`fixture ${key} of ${org} was not made`);
  return made;
}

/** What an org can see of its own stored data; equal before and after means nothing was written. */
export async function orgState(h: Harness, org: DemoOrg, token: string, f: OrgFixtures): Promise<unknown> {
  const c = api(() => h.backend.url, token);
  const base = `/api/org/${org}`;
  const fn = await jsonOf(await c.get(`${base}/faas/functions/${f.fn}`));
  const functions = await jsonOf(await c.get(`${base}/faas/functions`));
  const versions = await jsonOf(await c.get(`${base}/faas/functions/${f.fn}/versions`));
  const activations = await jsonOf(await c.get(`${base}/faas/functions/${f.fn}/activations`));
  const rules = await jsonOf(await c.get(`${base}/autoscale/rules`));
  const sources = await jsonOf(await c.get(`${base}/showback/sources`));
  const budgets = await jsonOf(await c.get(`${base}/showback/budgets`));
  const limits = await jsonOf(await c.get(`${base}/limits`));
  const aliases = await jsonOf(await c.get(`${base}/faas/functions/${f.fn}/aliases`));
  const history = await jsonOf(await c.get(`${base}/faas/functions/${f.fn}/history`));
  return {
    fn: { version: fn.version, status: fn.status, code: fn.code, trigger: fn.trigger, env: fn.env, limits: fn.limits },
    functions: functions.total,
    versions: versions.total,
    activations: activations.total,
    aliases: aliases.items,
    history: history.total,
    rules: rules.items.map((r: Record<string, unknown>) => ({ ...r, status: undefined, lastDecision: undefined, currentVms: undefined, updatedAt: undefined })),
    sources: sources.items.map((s: Record<string, unknown>) => ({ id: s.id, name: s.name, enabled: s.enabled, config: s.config, schedule: s.schedule })),
    limits: { override: limits.override, effective: limits.effective },
    budgets: budgets.items.map((b: Record<string, unknown>) => ({ ...b, state: undefined, updatedAt: undefined })),
  };
}

/** Fills an operation's path for an org, taking each `{param}` from that org's fixtures by the segment before it. */
export function fillPath(template: string, org: DemoOrg, f: OrgFixtures): string {
  const segments = template.split('/');
  return segments
    .map((segment, i) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment;
      if (param === 'org' || param === 'tenant') return org;
      if (param === 'name' || param === 'route') return f.fn;
      // Every function has live: the other org's would answer if aliases leaked.
      if (param === 'alias') return 'live';
      const before = segments[i - 1];
      if (param === 'id' || param.endsWith('Id')) {
        if (before === 'rules') return f.ruleId;
        if (before === 'sources') return f.sourceId;
        if (before === 'budgets') return f.budgetId;
        if (before === 'activations') return f.activationId;
        if (before === 'edge-gateways') return encodeURIComponent(f.edgeId);
      }
      return 'matrix-unknown';
    })
    .join('/');
}
