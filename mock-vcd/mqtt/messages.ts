import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Session } from '../sessions/store';
import { securityContextOf } from '../extensions/security-context';
import type { VcdNotification } from '../infra/notifications';

/** The messages vCD's bus carries, as docs/vcd-mqtt.md §4 records them from VMware's documents. */

/** Headers that describe one hop or carry the caller's browser session: not handed to an extension. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'cookie', 'host', 'content-length']);

/** `headers.context` and `Payload.securityContext`: vCD's fields plus the mock's optional name extras. */
export function busSecurityContext(session: Session, token: string) {
  return { apiAccessToken: token, ...securityContextOf(session), parameters: null };
}

export interface ApiRequestInput {
  requestId: string;
  session: Session;
  token: string;
  req: IncomingMessage & { originalUrl?: string; protocol?: string };
  body: Buffer;
  linkApiBaseUrl: string;
}

/** `API_REQUEST`: `httpRequest` is base64 of the `Payload` JSON (message + securityContext + context). */
export function apiRequestMessage(input: ApiRequestInput): Buffer {
  const { req, requestId } = input;
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const context = busSecurityContext(input.session, input.token);
  const payload = {
    message: {
      request: true,
      id: requestId,
      method: req.method,
      requestUri: q < 0 ? url : url.slice(0, q),
      queryString: q < 0 ? null : url.slice(q + 1),
      protocol: `HTTP/${req.httpVersion}`,
      scheme: req.protocol ?? 'http',
      remoteAddr: req.socket.remoteAddress ?? null,
      remotePort: req.socket.remotePort ?? 0,
      localAddr: req.socket.localAddress ?? null,
      localPort: req.socket.localPort ?? 0,
      headers,
      formData: null,
      formDataEncoding: null,
      body: input.body.length ? input.body.toString('base64') : null,
      statusCode: 0,
    },
    securityContext: context,
    context: {},
  };
  const envelope = {
    type: 'API_REQUEST',
    headers: { requestId, context },
    httpRequest: Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'),
    linkApiBaseUrl: input.linkApiBaseUrl,
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/** A Java byte[] as Jackson writes it (base64), or as a JSON array of byte values. */
const bytes = z.union([
  z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  z.array(z.number().int().min(-128).max(255)),
]);

const ApiResponseSchema = z.object({
  type: z.literal('API_RESPONSE'),
  headers: z.object({ requestId: z.string().min(1) }).passthrough(),
  httpResponse: z
    .object({
      statusCode: z.number().int().min(100).max(599),
      headers: z.record(z.union([z.string(), z.array(z.string())])).nullish(),
      body: bytes.nullish(),
    })
    .passthrough(),
});

export interface ApiResponse {
  requestId: string;
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Parses a service's answer; throws an Error saying what is wrong (the broker counts and drops it). */
export function parseApiResponse(payload: Buffer): ApiResponse {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Error('not JSON');
  }
  const parsed = ApiResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not an API_RESPONSE: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  const { headers, httpResponse } = parsed.data;
  const body = httpResponse.body;
  return {
    requestId: headers.requestId,
    statusCode: httpResponse.statusCode,
    headers: httpResponse.headers ?? {},
    body: body == null ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body, 'base64') : Buffer.from(body.map((b) => b & 0xff)),
  };
}

/** `EVENT`: the notification JSON as an encoded string in `payload` (§4.3). */
export function eventMessage(n: VcdNotification): Buffer {
  return Buffer.from(JSON.stringify({ type: 'EVENT', headers: { contentType: 'application/json' }, payload: JSON.stringify(n) }), 'utf8');
}

/** The mock's metrics message (§4.3: not documented by VMware). */
export function metricsMessage(payload: unknown): Buffer {
  return Buffer.from(JSON.stringify({ type: 'METRICS', headers: { contentType: 'application/json' }, payload: JSON.stringify(payload) }), 'utf8');
}
