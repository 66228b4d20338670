import { z } from 'zod';

/** Showback's money and prices (the provider's rate card): shared by server/ and src/ (src/ imports types only). */

export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code, e.g. EUR');

// ---------- rate card (provider only) ----------

const Price = z.number().min(0, 'must not be negative').finite();
export const RatesSchema = z
  .object({
    vcpuHour: Price.describe('per vCPU-hour powered on'),
    ramGbHour: Price.describe('per GB RAM-hour powered on'),
    storageGbMonth: Price.describe('per GB storage-month'),
    functionInvocation: Price.describe('per function invocation'),
    functionGbSecond: Price.describe('per GB-second of function memory × duration'),
    /** Metered custom services: "<service>.<metric>" → price per unit. */
    metered: z.record(Price).default({}),
  })
  .strict();
/** Prices are in major units of `currency` with fractions (e.g. 0.0123 EUR per vCPU-hour). */
export const RateCardSchema = z
  .object({
    currency: CurrencySchema,
    rates: RatesSchema,
    /** Per-org overrides, keyed by org name (lower-case); only the given rates change. */
    overrides: z.record(RatesSchema.partial()).default({}),
  })
  .strict();
export type RateCard = z.infer<typeof RateCardSchema>;
export type RateCardInput = z.input<typeof RateCardSchema>;
/**
 * `GET .../ratecard`: the provider reads the whole card (editable); a tenant reads the rates its org is charged
 * (the card's with its override applied, no other org's overrides), read only.
 */
export const RateCardViewSchema = RateCardSchema.extend({ editable: z.boolean() });
export type RateCardView = z.infer<typeof RateCardViewSchema>;
