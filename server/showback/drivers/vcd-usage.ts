import type { Queryable } from '../../store/db';
import type { VcdVmRecord } from '../../vcd/usage';
import type { BillingSource, Collected, Range, SourceSpec, VcdInventorySource } from '../ports';
import { ratesFor, type RateCardStore, type Rates } from '../ratecard';
import type { CostRecord } from '../store';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One look at a VM (or a vApp, whose vApp is itself) in one UTC hour (showback_vcd_samples). */
export type UsageSample = VcdVmRecord & { hour: Date; kind: 'vm' | 'vapp'; storageMb: number };

interface SampleRow {
  hour: Date | string;
  resource_kind: 'vm' | 'vapp';
  resource_id: string;
  resource_name: string;
  vapp_id: string;
  vapp_name: string;
  powered_on: boolean;
  cpus: number;
  memory_mb: number;
  storage_mb: string | number;
}

const dayStart = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const hoursInMonth = (t: number) => {
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate() * 24;
};

/**
 * Prices a day's samples with the rate card: per VM and day a vCPU-hours and a GB-RAM-hours record (powered-on
 * samples only), per vApp and day a GB-month record for its storage (every sample, on or off). Natural keys are
 * `<id>:<metric>` with the day as period, so re-pricing a day replaces its records.
 */
export function priceSamples(options: { org: string; sourceId: string; currency: string; rates: Rates; samples: UsageSample[] }): CostRecord[] {
  const { org, sourceId, currency, rates } = options;
  const groups = new Map<string, UsageSample[]>();
  for (const s of options.samples) {
    const key = `${s.id}\u0000${dayStart(s.hour.getTime())}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  const records: CostRecord[] = [];
  for (const list of groups.values()) {
    const last = list.reduce((a, b) => (b.hour > a.hour ? b : a));
    const periodStart = new Date(dayStart(last.hour.getTime()));
    const base = {
      org,
      sourceId,
      periodStart,
      periodEnd: new Date(periodStart.getTime() + DAY_MS),
      resourceKind: last.kind,
      resourceId: last.id,
      resourceName: last.name,
      vappId: last.kind === 'vm' ? last.vappId : last.id,
      vappName: last.kind === 'vm' ? last.vappName : last.name,
      currency,
    };
    if (last.kind === 'vm') {
      // A VM seen only powered off that day still gets its (zero) records: they replace what an earlier look priced.
      const on = list.filter((s) => s.poweredOn);
      const vcpuHours = on.reduce((a, s) => a + s.cpus, 0);
      const ramGbHours = on.reduce((a, s) => a + s.memoryMb / 1024, 0);
      records.push(
        { ...base, naturalKey: `${last.id}:vcpu`, service: 'compute', metric: 'vcpu-hours', quantity: vcpuHours, unit: 'vCPU-hour', cost: Math.round(vcpuHours * rates.vcpuHour * 100) },
        { ...base, naturalKey: `${last.id}:ram`, service: 'compute', metric: 'ram-gb-hours', quantity: ramGbHours, unit: 'GB-hour', cost: Math.round(ramGbHours * rates.ramGbHour * 100) },
      );
    } else {
      const gbMonths = list.reduce((a, s) => a + s.storageMb / 1024 / hoursInMonth(s.hour.getTime()), 0);
      records.push({ ...base, naturalKey: `${last.id}:storage`, service: 'storage', metric: 'storage-gb-months', quantity: gbMonths, unit: 'GB-month', cost: Math.round(gbMonths * rates.storageGbMonth * 100) });
    }
  }
  return records;
}

/**
 * vCD usage: each run looks at the org's VMs and vApps once (a sample for the current UTC hour, kept when the run
 * stored its costs) and prices every day of the range from the samples stored for it. Each sample stands for its
 * hour, so an hourly schedule counts powered-on time to the hour; a backfill re-prices stored samples (vCD keeps no
 * power history to read back).
 */
export class VcdUsageBillingSource implements BillingSource {
  constructor(private readonly deps: { db: Queryable; inventory: VcdInventorySource; rateCard: RateCardStore; now?: () => Date }) {}

  async collect(spec: SourceSpec, range: Range): Promise<Collected> {
    const now = this.deps.now?.() ?? new Date();
    const fresh: UsageSample[] = [];
    if (now >= range.from && now < range.to) {
      const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
      const { vms, vapps } = await this.deps.inventory.snapshot(spec.org);
      for (const vm of vms) fresh.push({ hour, kind: 'vm', ...vm, storageMb: 0 });
      for (const v of vapps) fresh.push({ hour, kind: 'vapp', id: v.id, name: v.name, vappId: v.id, vappName: v.name, poweredOn: false, cpus: 0, memoryMb: 0, storageMb: v.storageMb });
    }
    // Whole days: a day's records are priced from all its samples, never from part of them.
    const from = new Date(dayStart(range.from.getTime()));
    const to = new Date(dayStart(range.to.getTime() - 1) + DAY_MS);
    const { rows } = await this.deps.db.query<SampleRow>(
      'SELECT * FROM showback_vcd_samples WHERE org = $1 AND source_id = $2 AND hour >= $3 AND hour < $4',
      [spec.org, spec.id, from.toISOString(), to.toISOString()],
    );
    const byKey = new Map<string, UsageSample>();
    for (const r of rows) {
      const s: UsageSample = {
        hour: new Date(r.hour),
        kind: r.resource_kind,
        id: r.resource_id,
        name: r.resource_name,
        vappId: r.vapp_id,
        vappName: r.vapp_name,
        poweredOn: r.powered_on,
        cpus: r.cpus,
        memoryMb: r.memory_mb,
        storageMb: Number(r.storage_mb),
      };
      byKey.set(`${s.id}\u0000${s.hour.getTime()}`, s);
    }
    for (const s of fresh) byKey.set(`${s.id}\u0000${s.hour.getTime()}`, s);
    const card = await this.deps.rateCard.get();
    const records = priceSamples({ org: spec.org, sourceId: spec.id, currency: card.currency, rates: ratesFor(card, spec.org), samples: [...byKey.values()] });
    return {
      records,
      // A test run only looks; a run that stored its costs keeps what it saw.
      settle: async (stored) => {
        if (stored && fresh.length) await this.saveSamples(spec, fresh);
      },
    };
  }

  private async saveSamples(spec: SourceSpec, samples: UsageSample[]): Promise<void> {
    await this.deps.db.query(
      `INSERT INTO showback_vcd_samples (org, source_id, hour, resource_kind, resource_id, resource_name, vapp_id, vapp_name, powered_on, cpus, memory_mb, storage_mb)
       SELECT $1, $2, * FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::int[], $11::int[], $12::bigint[])
       ON CONFLICT (org, source_id, hour, resource_id) DO UPDATE SET resource_name = EXCLUDED.resource_name, vapp_id = EXCLUDED.vapp_id,
         vapp_name = EXCLUDED.vapp_name, powered_on = EXCLUDED.powered_on, cpus = EXCLUDED.cpus, memory_mb = EXCLUDED.memory_mb, storage_mb = EXCLUDED.storage_mb`,
      [
        spec.org,
        spec.id,
        samples.map((s) => s.hour.toISOString()),
        samples.map((s) => s.kind),
        samples.map((s) => s.id),
        samples.map((s) => s.name),
        samples.map((s) => s.vappId),
        samples.map((s) => s.vappName),
        samples.map((s) => s.poweredOn),
        samples.map((s) => s.cpus),
        samples.map((s) => s.memoryMb),
        samples.map((s) => String(s.storageMb)),
      ],
    );
  }

  async forget(spec: SourceSpec): Promise<void> {
    await this.deps.db.query('DELETE FROM showback_vcd_samples WHERE org = $1 AND source_id = $2', [spec.org, spec.id]);
  }
}
