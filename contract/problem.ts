import { z } from 'zod';

/** RFC 9457 problem details, as every error of the backend is answered (DESIGN §4). */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('one entry per invalid field; path is dotted, e.g. "trigger.route"'),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
}
