import { z } from 'zod';

/**
 * A function's own cap on calls running at once (issue 13, item 4), beside the org's quota: a synchronous call over it
 * answers 429 with Retry-After, a queued (async or scheduled) call waits in the queue. Not versioned.
 */
export const MAX_FUNCTION_CONCURRENCY = 1000;

export const MaxConcurrencySchema = z
  .number({ invalid_type_error: 'maxConcurrency is a whole number of calls' })
  .int('maxConcurrency is a whole number of calls')
  .min(1, 'maxConcurrency is at least 1')
  .max(MAX_FUNCTION_CONCURRENCY, `maxConcurrency is at most ${MAX_FUNCTION_CONCURRENCY}`);
