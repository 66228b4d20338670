import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginAsTenant } from '../bin/lib/vcd-provider';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { startMockVcd } from '../mock-vcd/main';
import { startServer } from '../server/main';
import { ruleFor } from '../server/testing/autoscale';
import { vAppHistory } from '../server/autoscale/backtest';
import { forecastMape } from '../server/autoscale/forecast';
import { createVcdInfra } from '../server/vcd/infra';
import { Figures, percentile } from './figures';

/**
 * autoscale.backtest_7d_ms: POST rules/backtest over 7 days of the mock's demo history (2 VMs × 2016 five-minute
 * samples read from vCD's /metrics/historic, replayed through decide()), median of several runs after a warm-up.
 */
export async function benchBacktest(figures: Figures, options: { quick: boolean }): Promise<void> {
  const mock = await startMockVcd({ port: 0, portalDir: '/nonexistent-portal', infra: { demoHistoryDays: 30 } });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-bench-backtest-'));
  const backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'silent' });
  try {
    const { token } = await loginAsTenant({ vcdUrl: mock.url, user: 'admin@acme', password: 'acme-demo' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ rule: ruleFor(DEMO_INFRA_IDS.acme, { name: 'bench', minVms: 2, maxVms: 6 }), days: 7 });
    const times: number[] = [];
    const runs = options.quick ? 5 : 20;
    for (let i = 0; i <= runs; i++) {
      const start = process.hrtime.bigint();
      const res = await fetch(`${backend.url}/api/org/acme/autoscale/rules/backtest`, { method: 'POST', headers, body });
      const result = (await res.json()) as { summary?: { samples: number } };
      if (res.status !== 200 || !result.summary || result.summary.samples < 2000) throw new Error(`backtest answered ${res.status}`);
      if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    figures.add('autoscale.backtest_7d_ms', { value: percentile(times, 50), unit: 'ms' });
    figures.add('autoscale.forecast_mape', { value: await demoForecastMape(mock.url, token), unit: '%' });
  } finally {
    await backend.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * autoscale.forecast_mape: the load forecast (server/autoscale/forecast.ts) on the demo history, read from vCD as the
 * tenant: each of the last 7 days' final 6 hours forecast from the days before it, the mean of their MAPE (CPU demand).
 */
async function demoForecastMape(vcdUrl: string, token: string): Promise<number> {
  const vcd = createVcdInfra({ vcdUrl });
  const vApp = await vcd.vApp(token, `urn:vcloud:vapp:${DEMO_INFRA_IDS.acme.vapp}`);
  if (!vApp) throw new Error('the demo vApp is gone');
  const day = 86_400_000;
  const now = Date.now();
  const history = await vAppHistory(vcd, token, vApp.vms.map((vm) => vm.id), { from: now - 30 * day, to: now });
  const errors = [0, 1, 2, 3, 4, 5, 6].map((k) => forecastMape(history.filter((s) => s.at <= now - k * day), 6));
  return Math.round((errors.reduce((a, b) => a + b, 0) / errors.length) * 10) / 10;
}
