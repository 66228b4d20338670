/**
 * Deterministic demo billing data (a vRB-like system) for the demo orgs: per day and service, a slow upward trend,
 * weekly seasonality (quieter weekends) and seeded noise. The value of a day never depends on when it is asked for.
 */
export interface Charge {
  id: string;
  org: string;
  start: string;
  end: string;
  service: string;
  resourceId: string;
  resourceName: string;
  vappId: string;
  vappName: string;
  quantity: number;
  unit: string;
  /** Major units, two decimals. */
  cost: number;
  currency: string;
}

const DAY_MS = 86_400_000;
/** How far back the demo data reaches. */
export const HISTORY_DAYS = 240;

interface Profile {
  currency: string;
  scale: number;
  vapps: { id: string; name: string; weight: number }[];
}

const PROFILES: Record<string, Profile> = {
  acme: {
    currency: 'EUR',
    scale: 1,
    vapps: [
      { id: 'urn:vcloud:vapp:6a1e0a9e-acme-4001-9c11-000000000001', name: 'web-shop', weight: 0.5 },
      { id: 'urn:vcloud:vapp:6a1e0a9e-acme-4001-9c11-000000000002', name: 'orders-db', weight: 0.3 },
      { id: 'urn:vcloud:vapp:6a1e0a9e-acme-4001-9c11-000000000003', name: 'analytics', weight: 0.2 },
    ],
  },
  globex: {
    currency: 'EUR',
    scale: 0.6,
    vapps: [
      { id: 'urn:vcloud:vapp:7b2f1b0f-glbx-4002-8d22-000000000001', name: 'crm', weight: 0.7 },
      { id: 'urn:vcloud:vapp:7b2f1b0f-glbx-4002-8d22-000000000002', name: 'reporting', weight: 0.3 },
    ],
  },
};

/** Base cost per day in EUR, growth per 30 days, weekend factor. */
const SERVICES: { service: string; base: number; growth: number; weekend: number; unit: string; perUnit: number; perVapp: boolean }[] = [
  { service: 'compute', base: 42, growth: 0.03, weekend: 0.7, unit: 'vCPU-hour', perUnit: 0.03, perVapp: true },
  { service: 'storage', base: 14, growth: 0.02, weekend: 1, unit: 'GB-month', perUnit: 0.004, perVapp: true },
  { service: 'network', base: 6, growth: 0.01, weekend: 0.6, unit: 'GB', perUnit: 0.02, perVapp: false },
  { service: 'functions', base: 3, growth: 0.08, weekend: 0.5, unit: 'GB-second', perUnit: 0.0000167, perVapp: false },
  { service: 'backup', base: 4, growth: 0.015, weekend: 1, unit: 'GB', perUnit: 0.01, perVapp: false },
];

/** A seeded number in [0, 1) from a string (FNV-1a, then a mulberry32 step). */
function noise(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let t = (h + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Share of (day, service) pairs that carry an injected cost spike (the anomaly bench's ground truth). */
export const ANOMALY_RATE = 0.01;

/**
 * An injected anomaly: on a seeded ~1 % of days, one service's cost jumps by `factor` in one vApp (the service as a
 * whole when it is not per vApp), e.g. a forgotten load test. The same for a day whenever it is asked.
 */
export function injectedAnomaly(org: string, day: string, service: string): { factor: number; vappId: string | null } | null {
  const profile = PROFILES[org.toLowerCase()];
  const s = SERVICES.find((x) => x.service === service);
  if (!profile || !s || noise(`${org.toLowerCase()}|${day}|${service}|anomaly`) >= ANOMALY_RATE) return null;
  const factor = 2.5 + 2 * noise(`${org.toLowerCase()}|${day}|${service}|size`);
  if (!s.perVapp) return { factor, vappId: null };
  const vapp = profile.vapps[Math.floor(noise(`${org.toLowerCase()}|${day}|${service}|vapp`) * profile.vapps.length)];
  return { factor, vappId: vapp.id };
}

export function hasDemoBilling(org: string): boolean {
  return org.toLowerCase() in PROFILES;
}

/** Charges of whole UTC days in [from, to) that are on or after today - HISTORY_DAYS and before today's end. */
export function demoCharges(org: string, from: Date, to: Date, now = Date.now()): Charge[] {
  const profile = PROFILES[org.toLowerCase()];
  if (!profile) return [];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const first = Math.max(Math.floor(from.getTime() / DAY_MS) * DAY_MS, today - HISTORY_DAYS * DAY_MS);
  const last = Math.min(to.getTime(), today + DAY_MS);
  const out: Charge[] = [];
  for (let t = first; t < last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const weekday = new Date(t).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    // Days since a fixed epoch, so the trend is the same whenever it is asked.
    const age = (t - Date.UTC(2025, 0, 1)) / (30 * DAY_MS);
    for (const s of SERVICES) {
      const trend = profile.scale * s.base * (1 + s.growth * age);
      const season = weekend ? s.weekend : 1;
      const targets = s.perVapp ? profile.vapps : [{ id: '', name: '', weight: 1 }];
      const spike = injectedAnomaly(org, day, s.service);
      for (const v of targets) {
        const key = `${org}|${day}|${s.service}|${v.id}`;
        const spiked = spike && (spike.vappId ?? '') === v.id ? spike.factor : 1;
        const cost = Math.round(trend * season * v.weight * spiked * (0.9 + 0.2 * noise(key)) * 100) / 100;
        out.push({
          id: `${org.toLowerCase()}-${day}-${s.service}${v.name ? `-${v.name}` : ''}`,
          org: org.toLowerCase(),
          start: new Date(t).toISOString(),
          end: new Date(t + DAY_MS).toISOString(),
          service: s.service,
          resourceId: v.id ? `${v.id}:${s.service}` : `${org.toLowerCase()}:${s.service}`,
          resourceName: v.name ? `${v.name} ${s.service}` : s.service,
          vappId: v.id,
          vappName: v.name,
          quantity: Math.round((cost / s.perUnit) * 1000) / 1000,
          unit: s.unit,
          cost,
          currency: profile.currency,
        });
      }
    }
  }
  return out;
}
