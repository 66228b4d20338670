import { z } from 'zod';
import type { Logger } from 'pino';
import { type VcdNotification, vcdNotificationSchema } from '../../vcd/notification';
import { MqttLink, type MqttTls } from './link';
import { messageType } from './messages';

/** One vApp's VM metrics as vCD pushes them on `metrics/{org}/{vApp}` (docs/vcd-mqtt.md §4.3). */
export interface VappMetrics {
  vAppId: string;
  orgId: string;
  /** When vCD sampled them: with the vApp, the sample's identity (each replica receives every sample). */
  timestamp: string;
  vms: { id: string; cpuPercent: number; memoryPercent: number }[];
}

export interface MqttEventsOptions {
  url: string;
  /** A System administrator's session JWT (publish/# and metrics/# are theirs only), fetched before every connect. */
  login: () => Promise<string>;
  onNotification: (n: VcdNotification) => Promise<void>;
  onMetrics?: (m: VappMetrics) => Promise<void>;
  /** Events since an instant, from vCD's audit trail: what the bus may have dropped (it keeps no state). */
  missedSince?: (since: Date, token: string) => Promise<VcdNotification[]>;
  reconcileMs: number;
  tls?: MqttTls;
  log: Logger;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const Envelope = z.object({ type: z.string(), headers: z.record(z.unknown()).nullish(), payload: z.string() }).passthrough();
const MetricsPayload = z.object({
  vApp: z.string().min(1),
  org: z.string().min(1),
  timestamp: z.string().min(1),
  vms: z.array(z.object({ id: z.string(), metrics: z.array(z.object({ name: z.string(), value: z.number() }).passthrough()) }).passthrough()),
});

/** Audit entries are written as the event happens; a reconcile looks back this much further than its last high mark. */
const OVERLAP_MS = 5_000;

/**
 * vCD's events and metrics from its MQTT bus as a System administrator: each EVENT feeds the features (event-triggered
 * functions, idempotent by eventId), each METRICS the autoscale push source. Because the bus drops what arrives while
 * disconnected, a periodic reconcile reads vCD's audit trail since the last one and hands over every event once more
 * (handlers claim eventIds, so none runs twice).
 */
export class MqttEventConsumer {
  private readonly link: MqttLink;
  private token?: string;
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private highMark: Date;
  private readonly running = new Set<Promise<void>>();
  readonly stats = { events: 0, metrics: 0, malformed: 0, ignored: 0, reconciled: 0 };

  constructor(private readonly options: MqttEventsOptions) {
    this.highMark = new Date(Date.now() - OVERLAP_MS);
    this.link = new MqttLink({
      url: options.url,
      name: 'vCD events',
      credentials: async () => {
        this.token = await options.login();
        return { headers: { Authorization: `Bearer ${this.token}` } };
      },
      setup: async (client) => {
        const granted = await client.subscribeAsync(['publish/#', ...(options.onMetrics ? ['metrics/#'] : [])], { qos: 1 });
        if (granted.some((g) => g.qos === 128)) throw new Error('vCD refused publish/# or metrics/#: VCD_EVENTS_USER must be a System administrator');
        // What was published while this link was down is only in the audit trail.
        void this.reconcile();
      },
      onMessage: (topic, payload) => this.track(this.receive(topic, payload)),
      tls: options.tls,
      log: options.log,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
    });
  }

  async start(): Promise<void> {
    await this.link.start();
    if (this.options.missedSince && this.options.reconcileMs > 0) {
      this.timer = setInterval(() => void this.reconcile(), this.options.reconcileMs);
      this.timer.unref();
    }
  }

  ready(): Promise<void> {
    return this.link.ready();
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async receive(topic: string, payload: Buffer): Promise<void> {
    const { log } = this.options;
    let envelope: z.infer<typeof Envelope>;
    let inner: unknown;
    try {
      const json: unknown = JSON.parse(payload.toString('utf8'));
      const type = messageType(json);
      if (type !== 'EVENT' && !(topic.startsWith('metrics/') && type === 'METRICS')) {
        this.stats.ignored++;
        return;
      }
      envelope = Envelope.parse(json);
      inner = JSON.parse(envelope.payload);
    } catch (err) {
      this.stats.malformed++;
      log.warn({ topic, reason: (err as Error).message.slice(0, 200), malformed: this.stats.malformed }, 'vCD bus message dropped: not an EVENT or METRICS envelope');
      return;
    }
    if (envelope.type === 'METRICS') return this.metrics(topic, inner);
    const parsed = vcdNotificationSchema.safeParse(inner);
    if (!parsed.success) {
      this.stats.malformed++;
      log.warn({ topic, reason: parsed.error.issues[0].message }, 'vCD event dropped: its payload is not a notification');
      return;
    }
    this.stats.events++;
    await this.deliver(parsed.data);
  }

  private async metrics(topic: string, inner: unknown): Promise<void> {
    const parsed = MetricsPayload.safeParse(inner);
    if (!parsed.success || !this.options.onMetrics) {
      if (!parsed.success) this.stats.malformed++;
      return;
    }
    this.stats.metrics++;
    const value = (m: { name: string; value: number }[], name: string) => m.find((x) => x.name === name)?.value;
    const vms = parsed.data.vms.flatMap((vm) => {
      const cpu = value(vm.metrics, 'cpu.usage.average');
      const mem = value(vm.metrics, 'mem.usage.average');
      return cpu === undefined || mem === undefined ? [] : [{ id: vm.id, cpuPercent: cpu, memoryPercent: mem }];
    });
    try {
      await this.options.onMetrics({ vAppId: parsed.data.vApp, orgId: parsed.data.org, timestamp: parsed.data.timestamp, vms });
    } catch (err) {
      this.options.log.warn({ topic, err: (err as Error).message }, 'vCD metrics not evaluated');
    }
  }

  private async deliver(n: VcdNotification): Promise<void> {
    try {
      await this.options.onNotification(n);
    } catch (err) {
      this.options.log.warn({ eventId: n.eventId, type: n.type, err: (err as Error).message }, 'vCD event handler failed');
    }
  }

  /** Hands over every event in vCD's audit trail since the last reconcile; one at a time. */
  reconcile(): Promise<void> {
    const { missedSince, log } = this.options;
    if (!missedSince) return Promise.resolve();
    this.reconciling ??= (async () => {
      const since = new Date(this.highMark.getTime() - OVERLAP_MS);
      const startedAt = new Date();
      try {
        this.token ??= await this.options.login();
        let events: VcdNotification[];
        try {
          events = await missedSince(since, this.token);
        } catch {
          this.token = await this.options.login(); // the session may have expired: once more with a fresh one
          events = await missedSince(since, this.token);
        }
        for (const n of events) {
          await this.deliver(n);
          this.stats.reconciled++;
        }
        this.highMark = events.reduce((max, n) => (Date.parse(n.timestamp) > max.getTime() ? new Date(Date.parse(n.timestamp)) : max), startedAt);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'vCD events reconcile failed; the next one looks back further');
      }
    })().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.link.close();
    await this.reconciling;
    await Promise.allSettled([...this.running]);
  }
}
