import { z } from 'zod';

/**
 * GET rules/{id}/forecast (issue 14 item 4, forecast only): the vApp's load for the next hours from its metric history
 * and the VM count it implies under the rule's thresholds. Shared by server/ and src/ (types only).
 */

export const FORECAST_MAX_HOURS = 24;
export const ForecastQuerySchema = z
  .object({
    hours: z.coerce.number().int().min(1, `must be 1–${FORECAST_MAX_HOURS}`).max(FORECAST_MAX_HOURS, `must be 1–${FORECAST_MAX_HOURS}`).default(6),
    /** Days of history the forecast learns from (its daily pattern). */
    days: z.coerce.number().int().min(1, 'must be 1–14').max(14, 'must be 1–14').default(7),
  })
  .strict();
export type ForecastQuery = z.input<typeof ForecastQuerySchema>;

/** One forecast point: the load as an average over the vApp's current VM count, and the VMs the thresholds would want. */
export const ForecastPointSchema = z.object({ at: z.number(), cpuPercent: z.number(), memoryPercent: z.number(), vms: z.number().int() });
export type ForecastPoint = z.infer<typeof ForecastPointSchema>;

export const ForecastSchema = z.object({
  rule: z.string(),
  /** VMs serving now (powered on), the base of the points' percentages. */
  currentVms: z.number().int(),
  /** Samples of history it learnt from. */
  samples: z.number().int(),
  /** How the forecast was made, one line. */
  method: z.string(),
  points: z.array(ForecastPointSchema),
});
export type Forecast = z.infer<typeof ForecastSchema>;
