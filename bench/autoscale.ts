import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { startMockVcd } from '../mock-vcd/main';
import { decide, type DecisionRule } from '../server/autoscale/decide';
import { startServer } from '../server/main';
import { Figures, percentile } from './figures';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { ruleFor } from '../server/testing/autoscale';

/** autoscale.decisions_per_s: the pure engine over 1000 rules with varied metrics, counts and histories. */
function benchDecisions(figures: Figures, rounds: number): void {
  const now = Date.now();
  const rules = Array.from({ length: 1000 }, (_, i) => {
    const rule: DecisionRule = {
      scaleOut: { cpuPercent: 60 + (i % 30), memoryPercent: 80 },
      scaleIn: { cpuPercent: 10 + (i % 20), memoryPercent: 40 },
      minVms: 1,
      maxVms: 10,
      step: 1 + (i % 3),
      cooldownSeconds: 60,
      stabilizationSeconds: 300,
    };
    const window = Array.from({ length: 6 }, (_, k) => ({ at: now - k * 10_000, cpuPercent: (i * 7 + k * 13) % 100, memoryPercent: (i * 3 + k) % 90 }));
    const history = { lastScaleAt: i % 4 === 0 ? now - 30_000 : null, recommendations: Array.from({ length: 30 }, (_, k) => ({ at: now - k * 10_000, desired: 1 + ((i + k) % 5) })) };
    return { rule, window, current: 1 + (i % 8), history, now };
  });
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const input of rules) sink += decide(input).decision.desired;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) throw new Error('unreachable');
  figures.add('autoscale.decisions_per_s', { value: Math.round((rounds * rules.length) / seconds), unit: 'req/s' });
}

/** autoscale.alert_to_decision_ms: a vROps alert POSTed to the backend until its journalled decision answers (real mock vCD, PGlite). */
async function benchAlertToDecision(figures: Figures, count: number): Promise<void> {
  const mock = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-autoscale-'));
  const backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent' });
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const ids = DEMO_INFRA_IDS.acme;
    const rule = ruleFor(ids, { name: 'bench' });
    const created = await fetch(`${backend.url}/api/org/acme/autoscale/rules`, { method: 'POST', headers, body: JSON.stringify(rule) });
    if (created.status !== 201) throw new Error(`rule create answered ${created.status}: ${await created.text()}`);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const alert = { alertId: `b-${i}`, alertName: 'CPU above scale-out threshold', status: 'ACTIVE', resourceName: 'bench', resourceKind: 'Environment' };
      const start = process.hrtime.bigint();
      const res = await fetch(`${backend.url}/api/org/acme/autoscale/alerts`, { method: 'POST', headers, body: JSON.stringify(alert) });
      const receipt = (await res.json()) as { rules: unknown[] };
      if (res.status !== 201 || receipt.rules.length !== 1) throw new Error(`alert answered ${res.status}`);
      if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    figures.add('autoscale.alert_to_decision_ms', { value: percentile(times, 50), unit: 'ms' });
    // One rule per vApp: the scale-out measurement brings its own.
    const { id } = (await created.json()) as { id: string };
    await fetch(`${backend.url}/api/org/acme/autoscale/rules/${id}`, { method: 'DELETE', headers });
    await benchAlertToPoolMember(figures, { mockUrl: mock.url, backendUrl: backend.url, headers, ids });
  } finally {
    await backend.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** autoscale.alert_to_pool_member_ms: an ACTIVE alert under load until the new VM is a member of the LB pool (mock task delay 0). */
async function benchAlertToPoolMember(
  figures: Figures,
  ctx: { mockUrl: string; backendUrl: string; headers: Record<string, string>; ids: (typeof DEMO_INFRA_IDS)['acme'] },
): Promise<void> {
  const provider = await fetch(`${ctx.mockUrl}/cloudapi/1.0.0/sessions/provider`, {
    method: 'POST',
    headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('administrator@System:provider-demo').toString('base64')}` },
  });
  const admin = { Authorization: `Bearer ${provider.headers.get('x-vmware-vcloud-access-token')}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' };
  const members = async () => {
    const res = await fetch(`${ctx.mockUrl}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${ctx.ids.pool}`, { headers: admin });
    return ((await res.json()) as { members: unknown[] }).members.length;
  };
  await fetch(`${ctx.mockUrl}/mock/admin/vapps/${ctx.ids.vapp}/load`, { method: 'PUT', headers: admin, body: JSON.stringify({ load: 300 }) });
  const rule = ruleFor(ctx.ids, { name: 'bench-out', scaleOut: { cpuPercent: 70, memoryPercent: 90 }, scaleIn: { cpuPercent: 5, memoryPercent: 10 }, maxVms: 10, cooldownSeconds: 0 });
  const created = await fetch(`${ctx.backendUrl}/api/org/acme/autoscale/rules`, { method: 'POST', headers: ctx.headers, body: JSON.stringify(rule) });
  if (created.status !== 201) throw new Error(`rule create answered ${created.status}: ${await created.text()}`);
  const start0 = await members();
  const start = process.hrtime.bigint();
  await fetch(`${ctx.backendUrl}/api/org/acme/autoscale/alerts`, { method: 'POST', headers: ctx.headers, body: JSON.stringify({ alertId: 'out-1', status: 'ACTIVE', resourceName: 'bench-out' }) });
  const deadline = Date.now() + 30_000;
  while ((await members()) <= start0) {
    if (Date.now() > deadline) throw new Error('no new pool member within 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  figures.add('autoscale.alert_to_pool_member_ms', { value: Number(process.hrtime.bigint() - start) / 1e6, unit: 'ms' });
}

export async function benchAutoscale(figures: Figures, options: { quick: boolean }): Promise<void> {
  benchDecisions(figures, options.quick ? 20 : 200);
  await benchAlertToDecision(figures, options.quick ? 20 : 100);
}
