import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INFRA_IDS } from '../../mock-vcd/infra/demo';
import { startMockVcd, type RunningMockVcd } from '../../mock-vcd/main';
import { login } from '../../mock-vcd/testing/mock';
import { api, freshStore, jsonOf, newFunction, type StoreHandle } from '../testing/harness';
import { startBackendProcess, type BackendProcess } from './backend-process';
import { ruleFor } from '../testing/autoscale';
import { until as poll } from '../testing/until';

/**
 * Issue 14 item 5, crash: the backend is killed -9 while a scale out waits for its afterPowerOn lifecycle hook (the VM
 * is made, powered on, not yet in the pool). Started again on the same database, the action resumes, asks the hook
 * again, and the function's abandon takes the VM away: no orphan VM, the pool as it was.
 */

const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => poll(what, probe, { timeoutMs: 90_000, everyMs: 50 });
/** Busy for 3 s (a handler has no timers), then abandons: the kill lands while it runs. */
const SLOW_ABANDON = `module.exports = async (event) => {
  const until = Date.now() + 3000;
  while (Date.now() < until) {}
  console.log('abandon ' + event.vm.name);
  return { statusCode: 200, body: { action: 'abandon' } };
};`;

describe('the backend killed -9 during a lifecycle hook and started again on PostgreSQL', () => {
  let mock: RunningMockVcd;
  let store: StoreHandle;
  let db: pg.Client;
  let env: Record<string, string>;
  let backend: BackendProcess;

  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    mock = await startMockVcd({ portalDir: '/nonexistent-portal', sharedSecret: secret });
    store = await freshStore('postgres');
    db = new pg.Client({ connectionString: store.overrides.databaseUrl });
    await db.connect();
    env = {
      DATABASE_URL: store.overrides.databaseUrl as string,
      DATA_DIR: store.overrides.dataDir as string,
      VCD_URL: mock.url,
      EXTENSION_SHARED_SECRET: secret,
      AUTOSCALE_VCD_USER: 'administrator@System',
      AUTOSCALE_VCD_PASSWORD: 'provider-demo',
    };
    backend = await startBackendProcess(env);
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await db?.end();
    await mock?.close();
    await store?.drop();
  }, 60_000);

  it('leaves no orphan VM: the resumed action asks the hook again and its abandon rolls the VM back', async () => {
    const ids = DEMO_INFRA_IDS.acme;
    const provider = await login(mock, 'provider');
    const admin = { Authorization: `Bearer ${provider}`, 'Content-Type': 'application/json', Accept: 'application/json;version=37.0' };
    const vmsAndPool = async () => {
      const vapp = await jsonOf(await fetch(`${mock.url}/api/vApp/vapp-${ids.vapp}`, { headers: { ...admin, Accept: 'application/*+json;version=37.0' } }));
      const pool = await jsonOf(await fetch(`${mock.url}/cloudapi/1.0.0/loadBalancer/pools/urn:vcloud:loadBalancerPool:${ids.pool}`, { headers: admin }));
      return { names: (vapp.children.vm as { name: string }[]).map((vm) => vm.name).sort(), ips: (pool.members as { ipAddress: string }[]).map((m) => m.ipAddress).sort() };
    };
    const acme = api(() => backend.url, await login(mock, 'acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow-abandon', { code: SLOW_ABANDON, limits: { timeoutMs: 10_000 } }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'slow-abandon')).status).toBe('ready');
    const initial = await vmsAndPool();
    const rule = await jsonOf(
      await acme.post('/api/org/acme/autoscale/rules', ruleFor(ids, {
        name: 'hooked-crash',
        scaleOut: { cpuPercent: 70, memoryPercent: 90 },
        scaleIn: { cpuPercent: 5, memoryPercent: 10 },
        maxVms: initial.names.length + 1,
        cooldownSeconds: 0,
        evaluationSeconds: 1,
        hooks: { afterPowerOn: { function: 'slow-abandon', timeoutSeconds: 60, onTimeout: 'abandon' } },
      })),
    );
    expect(rule.id).toBeTruthy();
    await fetch(`${mock.url}/mock/admin/vapps/${ids.vapp}/load`, { method: 'PUT', headers: admin, body: JSON.stringify({ load: 150 * initial.names.length }) });
    await until('the scale out waiting for its hook', async () => {
      const { rows } = await db.query<{ steps: { step: string }[] }>(`SELECT steps FROM autoscale_actions WHERE rule_id = $1 AND status = 'running'`, [rule.id]);
      return rows[0]?.steps.some((s) => s.step === 'hook') ? true : undefined;
    });
    const during = await vmsAndPool();
    expect(during.names).toHaveLength(initial.names.length + 1);
    await backend.kill();

    backend = await startBackendProcess(env);
    const finished = await until('the interrupted scale out to finish', async () => {
      const { rows } = await db.query<{ status: string; error: string | null; steps: { step: string; outcome?: string }[] }>(
        `SELECT status, error, steps FROM autoscale_actions WHERE rule_id = $1 ORDER BY seq`,
        [rule.id],
      );
      return rows.length > 0 && rows.every((r) => r.status !== 'running') ? rows : undefined;
    });
    expect(finished[0].status).toBe('failed');
    expect(finished[0].error).toMatch(/abandoned/);
    expect(finished[0].steps.filter((s) => s.step === 'hook').length).toBeGreaterThanOrEqual(2);
    expect(finished[0].steps.find((s) => s.step === 'hookResult')).toMatchObject({ outcome: 'abandon', by: 'answer' });
    // The load stays high, so the rule may have tried again (and been abandoned again): stop it, let its last action
    // end, then look at vCD: no VM of the autoscaler is left and the pool is as it was.
    await acme.put(`/api/org/acme/autoscale/rules/${rule.id}`, { enabled: false });
    await until('no running action', async () => {
      const { rows } = await db.query(`SELECT 1 FROM autoscale_actions WHERE rule_id = $1 AND status = 'running'`, [rule.id]);
      return rows.length === 0 ? true : undefined;
    });
    expect(await vmsAndPool()).toEqual(initial);
  }, 180_000);
});
