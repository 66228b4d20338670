import { z } from 'zod';

/**
 * What a backend runs (issue 17, `vcd-serverless status` and `diff`), shared by server/ (OpenAPI) and bin/.
 *
 *   GET /api/org/{org}/provider/about   provider session only; any `{org}`, e.g. System
 */
export const BackendAboutSchema = z.object({
  /** The backend's package version. */
  version: z.string(),
  /** How vCD reaches it (VCD_TRANSPORT): its MQTT bus, an AMQP extension, or HTTP forwarding (the mock's). */
  transport: z.enum(['mqtt', 'amqp', 'http']),
  migrations: z.object({
    /** The store's newest applied migration (schema_migrations), 0 on an empty store. */
    level: z.number().int(),
    /** File names of the applied migrations, in order. */
    applied: z.array(z.string()),
  }),
  /** Every tenant org vCD lists, with how many functions and autoscale rules it has. */
  orgs: z.array(z.object({ org: z.string(), functions: z.number().int(), rules: z.number().int() })),
});
export type BackendAbout = z.infer<typeof BackendAboutSchema>;
