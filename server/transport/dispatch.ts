import type { IncomingMessage, ServerResponse } from 'node:http';
import inject from 'light-my-request';
import { BROKER_CONTEXT, type BrokerContext } from '../http/auth';

/** Any Node request handler; the Express app is one. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP request that came over a message bus (vCD's AMQP or MQTT extension), ready to run in process. */
export interface BusRequest {
  method: string;
  requestUri: string;
  queryString?: string | null;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  remoteAddr?: string | null;
}

export interface BusAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers that describe one hop, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'date']);

export function replyHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/**
 * Runs a bus request through the app in process (no HTTP hop) with vCD's security context set where only the bus
 * path can set it (BROKER_CONTEXT); shared by the AMQP bridge and the MQTT external service.
 */
export async function dispatchInProcess(handler: RequestHandler, request: BusRequest, context: BrokerContext): Promise<BusAnswer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  const payload = request.body?.length ? request.body : undefined;
  if (payload) headers['content-length'] = String(payload.length);
  else delete headers['content-length'];
  delete headers['transfer-encoding'];
  const url = request.requestUri + (request.queryString ? `?${request.queryString}` : '');
  const brokerContext: BrokerContext = { user: context.user, org: context.org, userName: context.userName, orgName: context.orgName, roles: context.roles };
  const answer = await inject(
    (req, res) => {
      (req as unknown as Record<symbol, BrokerContext>)[BROKER_CONTEXT] = brokerContext;
      keepInjectedResponse(res);
      handler(req, res);
    },
    { method: request.method as 'GET', url, headers, payload, remoteAddress: request.remoteAddr ?? undefined },
  );
  return { statusCode: answer.statusCode, headers: replyHeaders(answer.headers), body: answer.rawPayload };
}

/**
 * Express swaps a response's prototype for its own (Object.setPrototypeOf in app.handle), which would drop the
 * methods light-my-request captures the answer with; pinned as own properties they survive the swap.
 */
function keepInjectedResponse(res: ServerResponse): void {
  const injected = Object.getPrototypeOf(res) as ServerResponse;
  for (const method of ['writeHead', 'write', 'end', 'destroy', 'addTrailers', 'setTimeout'] as const) {
    const fn = injected[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(res, method, { value: (...args: unknown[]) => fn.apply(res, args), writable: true, configurable: true });
  }
}
