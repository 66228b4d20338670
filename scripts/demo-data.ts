import { loginAsTenant } from '../bin/lib/vcd-provider';
import type { Stack } from './stack';

const SOURCE_NAME = 'vRB billing (demo)';
const TENANTS = [
  { org: 'acme', login: 'admin@acme', password: 'acme-demo' },
  { org: 'globex', login: 'admin@globex', password: 'globex-demo' },
];
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * `npm start` opens on a dashboard that tells a story: each demo org gets the mock's vRB-like billing endpoint as a
 * source, as its admin would add it on the Sources page, and collects its demo months once. Idempotent by the
 * source's name, so a restart on the same data dir adds nothing.
 */
export async function seedShowbackDemo(stack: Stack): Promise<string[]> {
  const seeded: string[] = [];
  for (const tenant of TENANTS) {
    const { token } = await loginAsTenant({ vcdUrl: stack.vcdUrl, user: tenant.login, password: tenant.password });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    const base = `${stack.vcdUrl}/api/org/${tenant.org}/showback/sources`;
    const sources = (await (await fetch(base, { headers })).json()) as { items: { name: string }[] };
    if (sources.items.some((s) => s.name === SOURCE_NAME)) continue;
    const created = await fetch(base, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        kind: 'http',
        name: SOURCE_NAME,
        schedule: '0 3 * * *',
        config: { url: `${stack.vcdUrl}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`, authHeader: { name: 'Authorization', value: 'Bearer demo-billing-token' } },
      }),
    });
    if (created.status !== 201) throw new Error(`demo source for ${tenant.org}: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const run = await fetch(`${base}/${id}/run`, { method: 'POST', headers, body: JSON.stringify({ from: day(Date.now() - 200 * 86_400_000), to: day(Date.now()) }) });
    if (run.status !== 200) throw new Error(`demo months for ${tenant.org}: ${run.status} ${await run.text()}`);
    seeded.push(tenant.org);
  }
  return seeded;
}
