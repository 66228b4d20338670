import { z } from 'zod';
import { SecurityContextSchema, type SecurityContext } from '../../../contract/security-context';

export { SecurityContextSchema, type SecurityContext };

/** vCD's API-extension messages over AMQP (VCD-WIRE §3): `[request, securityContext]` in, a reply out. */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const ExtensionRequestSchema = z
  .object({
    id: z.string().min(1),
    method: z.string().regex(/^[A-Z]+$/, 'must be an HTTP method'),
    requestUri: z.string().startsWith('/'),
    queryString: z.string().nullish(),
    headers: z.record(z.union([z.string(), z.array(z.string())])).default({}),
    body: base64.nullish(),
    remoteAddr: z.string().nullish(),
  })
  .passthrough();

export const ExtensionMessageSchema = z.tuple([ExtensionRequestSchema, SecurityContextSchema]).rest(z.unknown());

export type ExtensionRequest = z.infer<typeof ExtensionRequestSchema>;

export interface ExtensionReply {
  id: string;
  headers: Record<string, string>;
  statusCode: number;
  body: string;
  request: false;
}

/** Parses a message body; the error says what is wrong (logged when the message is dead-lettered). */
export function parseExtensionMessage(content: Buffer): { request: ExtensionRequest; context: SecurityContext } {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    throw new Error('the body is not JSON');
  }
  const parsed = ExtensionMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the body is not [request, securityContext]: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return { request: parsed.data[0], context: parsed.data[1] };
}

