import { z } from 'zod';
import type { BrokerContext } from '../../http/auth';
import type { BusAnswer, BusRequest } from '../dispatch';

/**
 * vCD's external-service messages on its MQTT bus (docs/vcd-mqtt.md §4): an API_REQUEST on the service's `monitor`
 * topic carries the request as base64 of the `Payload` JSON; the API_RESPONSE on `respond` carries the answer.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** Jackson writes byte[] as base64; the document draws a byte array, so both are read. */
const bytes = z.union([base64.transform((s) => Buffer.from(s, 'base64')), z.array(z.number().int().min(-128).max(255)).transform((a) => Buffer.from(a.map((b) => b & 0xff)))]);

const ContextSchema = z
  .object({
    apiAccessToken: z.string().nullish(),
    user: z.string().min(1),
    org: z.string().min(1),
    rights: z.array(z.string()).nullish(),
    userName: z.string().min(1).optional(),
    orgName: z.string().min(1).optional(),
    roles: z.array(z.string()).optional(),
  })
  .passthrough();

const EnvelopeSchema = z
  .object({
    type: z.literal('API_REQUEST'),
    headers: z.object({ requestId: z.string().min(1).max(200), context: ContextSchema }).passthrough(),
    httpRequest: bytes,
  })
  .passthrough();

const HttpMessageSchema = z
  .object({
    id: z.string().nullish(),
    method: z.string().regex(/^[A-Z]+$/, 'must be an HTTP method'),
    requestUri: z.string().startsWith('/'),
    queryString: z.string().nullish(),
    headers: z.record(z.union([z.string(), z.array(z.string())])).nullish(),
    body: bytes.nullish(),
    remoteAddr: z.string().nullish(),
  })
  .passthrough();

const PayloadSchema = z.object({ message: HttpMessageSchema, securityContext: ContextSchema.nullish() }).passthrough();

export interface ApiRequest {
  requestId: string;
  request: BusRequest;
  context: BrokerContext;
  /** The caller's own vCD token, for a backend that must ask vCD who the caller is. */
  apiAccessToken?: string;
}

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue.path.join('.') || '(root)'} ${issue.message}`;
};

/** The message's type, or undefined when it is no JSON object with one (consumers ignore types they do not handle). */
export function messageType(json: unknown): string | undefined {
  return json && typeof json === 'object' && typeof (json as { type?: unknown }).type === 'string' ? (json as { type: string }).type : undefined;
}

/** Decodes an API_REQUEST; the error says what is wrong (logged when the message is dropped). */
export function parseApiRequest(json: unknown): ApiRequest {
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new Error(`not an API_REQUEST: ${firstIssue(envelope.error)}`);
  let payloadJson: unknown;
  try {
    payloadJson = JSON.parse(envelope.data.httpRequest.toString('utf8'));
  } catch {
    throw new Error('httpRequest is not the JSON of a Payload');
  }
  const payload = PayloadSchema.safeParse(payloadJson);
  if (!payload.success) throw new Error(`httpRequest is not a Payload: ${firstIssue(payload.error)}`);
  const { message } = payload.data;
  const context = envelope.data.headers.context;
  const token = context.apiAccessToken ?? undefined;
  const headers: Record<string, string | string[]> = { ...(message.headers ?? {}) };
  // vCD authenticated the caller; its token lets the backend ask vCD for the names when the context has none.
  const hasAuth = Object.keys(headers).some((h) => ['authorization', 'x-vcloud-authorization'].includes(h.toLowerCase()));
  if (token && !hasAuth) headers.authorization = `Bearer ${token}`;
  return {
    requestId: envelope.data.headers.requestId,
    request: {
      method: message.method,
      requestUri: message.requestUri,
      queryString: message.queryString,
      headers,
      body: message.body ?? undefined,
      remoteAddr: message.remoteAddr,
    },
    context: { user: context.user, org: context.org, userName: context.userName, orgName: context.orgName, roles: context.roles },
    apiAccessToken: token,
  };
}

/** Headers vCD drops from an extension's answer anyway (docs/vcd-mqtt.md §4.2): never sent. */
const DROPPED = new Set(['authorization', 'x-vcloud-authorization', 'set-cookie']);

export function apiResponse(requestId: string, answer: BusAnswer): Buffer {
  const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !DROPPED.has(name.toLowerCase())));
  return Buffer.from(
    JSON.stringify({
      type: 'API_RESPONSE',
      headers: { requestId },
      httpResponse: { statusCode: answer.statusCode, headers, body: answer.body.toString('base64') },
    }),
  );
}

/** An answer the service makes itself (no app involved), as problem+json. */
export function problemAnswer(status: number, slug: string, title: string, detail: string): BusAnswer {
  const body = Buffer.from(JSON.stringify({ type: `https://vcd-serverless.dev/problems/${slug}`, title, status, detail }));
  return { statusCode: status, headers: { 'Content-Type': 'application/problem+json' }, body };
}
