import { RateCardSchema, type RateCard } from '../../contract/showback';
import { parseOrThrow } from '../errors';
import type { Queryable } from '../store/db';

/** Used until the provider sets one; list prices in the spirit of public clouds' small VMs. */
export const DEFAULT_RATE_CARD: RateCard = {
  currency: 'EUR',
  rates: { vcpuHour: 0.02, ramGbHour: 0.005, storageGbMonth: 0.08, functionInvocation: 0.0000002, functionGbSecond: 0.0000166667, metered: {} },
  overrides: {},
};

export type Rates = RateCard['rates'];

/** The org's rates: the card's, with the org's overrides on top (metered prices merged by key). */
export function ratesFor(card: RateCard, org: string): Rates {
  const o = card.overrides[org.toLowerCase()] ?? {};
  return { ...card.rates, ...o, metered: { ...card.rates.metered, ...(o.metered ?? {}) } };
}

export class RateCardStore {
  constructor(private readonly db: Queryable) {}

  async get(): Promise<RateCard> {
    const { rows } = await this.db.query<{ card: RateCard }>('SELECT card FROM showback_rate_card WHERE id = 1');
    return rows[0]?.card ?? DEFAULT_RATE_CARD;
  }

  async put(body: unknown): Promise<RateCard> {
    const card = parseOrThrow(RateCardSchema, body, 'invalid rate card');
    const overrides = Object.fromEntries(Object.entries(card.overrides).map(([k, v]) => [k.toLowerCase(), v]));
    const stored = { ...card, overrides };
    await this.db.query(
      `INSERT INTO showback_rate_card (id, card, updated_at) VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET card = EXCLUDED.card, updated_at = now()`,
      [JSON.stringify(stored)],
    );
    return stored;
  }
}
