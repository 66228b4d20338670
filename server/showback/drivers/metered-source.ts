import amqp from 'amqplib';
import type { Logger } from 'pino';
import { MeteredEventSchema, MeteredSourceConfigSchema } from '../../../contract/showback';
import type { z } from 'zod';
import { parseOrThrow } from '../../errors';
import type { BillingSource, Collected, SourceSpec } from '../ports';
import { ratesFor, type RateCardStore } from '../ratecard';
import type { CostRecord } from '../store';

/** Messages taken per run at most; the rest waits for the next run. */
const MAX_PER_RUN = 10_000;

/** One event as a cost: priced by the org's metered rate for "service.metric" (0 without one), at its instant. */
function recordOf(spec: SourceSpec, event: z.infer<typeof MeteredEventSchema>, rates: Record<string, number>, currency: string): CostRecord {
  const at = new Date(event.at);
  return {
    org: spec.org,
    sourceId: spec.id,
    naturalKey: event.id,
    periodStart: at,
    periodEnd: at,
    resourceKind: 'metered',
    resourceId: `${event.service}.${event.metric}`,
    resourceName: event.service,
    service: event.service,
    metric: event.metric,
    quantity: event.quantity,
    unit: event.unit,
    cost: Math.round(event.quantity * (rates[`${event.service}.${event.metric}`] ?? 0) * 100),
    currency,
  };
}

/**
 * Metered custom services (the seed's "API calls to a messaging queue"): services publish usage events
 * `{id, org, service, metric, quantity, unit, at}` as JSON to a topic exchange with the org name as routing key.
 * Each metered source has a durable queue bound to its org; a run drains it, prices each event by the rate card's
 * metered["service.metric"] and acks only after the costs are stored. The event id is the natural key, so a
 * redelivered or twice-published event is stored once.
 */
export class MeteredBillingSource implements BillingSource {
  private connection?: Promise<amqp.ChannelModel>;

  constructor(private readonly deps: { url: string; rateCard: RateCardStore; log: Logger }) {}

  private connect(): Promise<amqp.ChannelModel> {
    this.connection ??= amqp.connect(this.deps.url).then((c) => {
      c.on('error', () => undefined);
      c.on('close', () => {
        this.connection = undefined;
      });
      return c;
    });
    return this.connection.catch((err) => {
      this.connection = undefined;
      throw new Error(`message broker unreachable: ${(err as Error).message}`);
    });
  }

  /** The queue a source reads, bound to its org's routing key. */
  static queueOf(spec: SourceSpec): string {
    const config = spec.config as { queue?: string };
    return config.queue ?? `showback.metered.${spec.org}.${spec.id}`;
  }

  async collect(spec: SourceSpec): Promise<Collected> {
    const config = parseOrThrow(MeteredSourceConfigSchema, spec.config, 'invalid source config', ['config']);
    const connection = await this.connect();
    const channel = await connection.createChannel();
    try {
      await channel.assertExchange(config.exchange, 'topic', { durable: true });
      const queue = MeteredBillingSource.queueOf(spec);
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, config.exchange, spec.org);
      const card = await this.deps.rateCard.get();
      const rates = ratesFor(card, spec.org);
      const records: CostRecord[] = [];
      let last: amqp.GetMessage | undefined;
      let dropped = 0;
      for (let i = 0; i < MAX_PER_RUN; i++) {
        const msg = await channel.get(queue, { noAck: false });
        if (!msg) break;
        last = msg;
        let event;
        try {
          event = MeteredEventSchema.parse(JSON.parse(msg.content.toString('utf8')));
        } catch {
          dropped++;
          continue;
        }
        // An event for another org never becomes this org's cost, whatever routing key it came with.
        if (event.org.toLowerCase() !== spec.org) {
          dropped++;
          continue;
        }
        records.push(recordOf(spec, event, rates.metered, card.currency));
      }
      if (dropped) this.deps.log.warn({ org: spec.org, source: spec.id, dropped }, 'metered events dropped (malformed or for another org)');
      return {
        records,
        settle: async (stored) => {
          try {
            if (last) {
              if (stored) channel.ack(last, true);
              else channel.nack(last, true, true);
            }
          } finally {
            await channel.close().catch(() => undefined);
          }
        },
      };
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
  }

  async forget(spec: SourceSpec): Promise<void> {
    const channel = await (await this.connect()).createChannel();
    try {
      await channel.deleteQueue(MeteredBillingSource.queueOf(spec));
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const c = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    await c?.close().catch(() => undefined);
  }
}
