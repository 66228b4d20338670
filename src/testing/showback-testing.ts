import type { Anomaly } from '../../contract/showback-anomalies';
import type { Breakdown, Daily, Monthly, Source, Summary } from '../../contract/showback';
import type { Alert, Budget } from '../../contract/showback-budgets';
import { TEST_API_ROOT, TEST_ORG } from './plugin-testing';

/** API bodies as the backend answers them (contract/showback.ts), for the specs. */
export const SHOWBACK_URL = `${TEST_API_ROOT}/api/org/${TEST_ORG}/showback`;

export function wireSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    org: TEST_ORG,
    currency: 'EUR',
    month: '2026-11',
    dayOfMonth: 24,
    daysInMonth: 30,
    monthToDate: 123456,
    forecast: {
      value: 154321,
      low: 150000,
      high: 160050,
      runRatePerDay: 5144,
      method: 'month to date + 6 days × run rate of the last 7 days',
      accuracy: { months: 6, mapeDay10Pct: 4.2, mapeDay20Pct: 1.5 },
    },
    lastMonth: 140000,
    changePct: 10.23,
    stale: null,
    dataAsOf: '2026-11-25T00:00:00.000Z',
    lastDataDay: '2026-11-24',
    ...overrides,
  };
}

export function wireMonthly(): Monthly {
  return {
    currency: 'EUR',
    items: [
      { month: '2026-09', total: 30000, byService: { compute: 20000, storage: 10000 } },
      { month: '2026-10', total: 45000, byService: { compute: 25000, storage: 12000, functions: 8000 } },
      { month: '2026-11', total: 50000, byService: { compute: 30000, functions: 20000 } },
    ],
  };
}

/** Four days of November, data up to the 2nd (summary: day 2 of 4 left as forecast). */
export function wireDaily(): Daily {
  return {
    currency: 'EUR',
    from: '2026-11-01',
    to: '2026-11-04',
    items: [
      { day: '2026-11-01', total: 1000, byService: { compute: 1000 } },
      { day: '2026-11-02', total: 1500, byService: { compute: 1200, storage: 300 } },
      { day: '2026-11-03', total: 0, byService: {} },
      { day: '2026-11-04', total: 0, byService: {} },
    ],
  };
}

export function wireBreakdown(overrides: Partial<Breakdown> = {}): Breakdown {
  return {
    currency: 'EUR',
    by: 'service',
    from: '2026-11-01',
    to: '2026-11-30',
    total: 60000,
    items: [
      { key: 'compute', name: 'compute', cost: 40000, sharePct: 66.7 },
      { key: 'functions', name: 'functions', cost: 15000, sharePct: 25 },
    ],
    other: 5000,
    ...overrides,
  };
}

export function wireSource(overrides: Partial<Source> = {}): Source {
  return {
    id: 'src-1',
    org: TEST_ORG,
    kind: 'http',
    name: 'vRB billing',
    schedule: '0 * * * *',
    enabled: true,
    config: { url: 'http://billing.example.test/usage' },
    nextRunAt: '2026-11-25T12:00:00.000Z',
    lastRun: {
      id: 'run-1',
      sourceId: 'src-1',
      trigger: 'schedule',
      status: 'succeeded',
      from: '2026-11-25T10:00:00.000Z',
      to: '2026-11-25T11:00:00.000Z',
      startedAt: '2026-11-25T11:00:00.000Z',
      finishedAt: '2026-11-25T11:00:02.000Z',
      durationMs: 2000,
      rowsRead: 120,
      rowsWritten: 118,
      attempt: 1,
      error: null,
    },
    staleSince: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A whole-org budget of 1 000 € with 80 % actual (crossed) and 100 % forecast thresholds. */
export function wireBudget(overrides: Partial<Budget> = {}): Budget {
  return {
    id: 'bud-1',
    org: TEST_ORG,
    name: 'Team budget',
    amount: 100000,
    currency: 'EUR',
    period: 'monthly',
    service: null,
    vappId: null,
    thresholds: [
      { type: 'actual', percent: 80 },
      { type: 'forecast', percent: 100 },
    ],
    webhookUrl: null,
    function: null,
    providerOwned: false,
    editable: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    state: {
      period: '2026-11',
      spent: 85000,
      forecast: 98000,
      spentPct: 85,
      forecastPct: 98,
      thresholds: [
        { type: 'actual', percent: 80, at: 80000, crossed: true, alertId: 'al-1' },
        { type: 'forecast', percent: 100, at: 100000, crossed: false, alertId: null },
      ],
    },
    ...overrides,
  };
}

export function wireAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'al-1',
    org: TEST_ORG,
    kind: 'budget.threshold',
    budgetId: 'bud-1',
    budgetName: 'Team budget',
    period: '2026-11',
    type: 'actual',
    percent: 80,
    threshold: 80000,
    value: 85000,
    amount: 100000,
    currency: 'EUR',
    createdAt: '2026-11-24T10:00:00.000Z',
    delivery: { state: 'failed', attempts: 5, nextAttemptAt: null, lastError: 'the receiver answered HTTP 500' },
    functions: { state: 'done', target: null, ran: [], lastError: null },
    anomaly: null,
    ...overrides,
  };
}

/** A stored cost anomaly on 2026-11-02 (wireDaily's second day): compute 15.00 against 8.00–10.00, driven by web-shop. */
export function wireAnomaly(overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    id: 'an-1',
    org: TEST_ORG,
    day: '2026-11-02',
    service: 'compute',
    currency: 'EUR',
    cost: 1500,
    expected: 900,
    low: 800,
    high: 1000,
    delta: 600,
    vappId: 'urn:vcloud:vapp:web',
    vappName: 'web-shop',
    vappDelta: 550,
    createdAt: '2026-11-03T04:30:00.000Z',
    alertId: 'al-2',
    ...overrides,
  };
}
