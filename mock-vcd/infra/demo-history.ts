import { createHash } from 'node:crypto';

/** A sample as the metric history keeps it (metrics.ts `Sample`, which builds on this module). */
export interface DemoSample {
  timestamp: number;
  cpu: number;
  mem: number;
}

/**
 * A deterministic demo history of the VMs the mock starts with, for the days before it started (vCD keeps weeks of
 * rolled-up samples; a fresh mock would have minutes): every 5 minutes, a working-day curve — quiet nights, a busy
 * weekday from 08:00 to 18:00 UTC peaking at 13:00, half the traffic at weekends — with a small noise that depends
 * only on the vApp and the time. The same instant always reads the same value, whenever the mock started.
 */
export const DEMO_HISTORY_STEP_MS = 5 * 60_000;

const IDLE_CPU = 2;
const BASE_MEM = 25;
const MEM_PER_LOAD = 0.4;
const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number) => Math.min(100, Math.max(0, n));

/** The vApp's total CPU demand (percent of one VM) at time t: night 30, weekday peak 170, weekend half of that. */
export function demoLoad(vappUuid: string, t: number): number {
  const d = new Date(t);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const day = hour >= 8 && hour < 18 ? Math.sin((Math.PI * (hour - 8)) / 10) : 0;
  const noise = createHash('sha256').update(`${vappUuid}:${Math.floor(t / DEMO_HISTORY_STEP_MS)}`).digest().readUInt8(0) / 255;
  return (30 + 140 * day) * (weekend ? 0.5 : 1) + (noise - 0.5) * 16;
}

export interface DemoVm {
  vappUuid: string;
  /** How many VMs shared the vApp's load (the vApp's VMs when the mock started). */
  sharing: number;
}

/** The demo samples of one VM in [from, to], up to (not including) `until`, the mock's start. */
export function demoSamples(vm: DemoVm, window: { from: number; to: number; until: number; days: number }): DemoSample[] {
  const start = Math.max(window.from, window.until - window.days * 86_400_000);
  const end = Math.min(window.to, window.until - 1);
  const out: DemoSample[] = [];
  for (let t = Math.ceil(start / DEMO_HISTORY_STEP_MS) * DEMO_HISTORY_STEP_MS; t <= end; t += DEMO_HISTORY_STEP_MS) {
    const share = demoLoad(vm.vappUuid, t) / vm.sharing;
    out.push({ timestamp: t, cpu: round2(clamp(IDLE_CPU + share)), mem: round2(clamp(BASE_MEM + share * MEM_PER_LOAD)) });
  }
  return out;
}
