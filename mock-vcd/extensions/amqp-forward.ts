import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ExtensionTimeout, type MockAmqpLink } from '../amqp/link';
import { VcdError } from '../http/vcd-errors';
import type { Session } from '../sessions/store';
import type { ExtensionService } from './registry';
import { securityContextOf } from './security-context';

/** Request headers vCD passes on in the message (the rest stay with vCD). */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'authorization', 'x-vcloud-authorization', 'x-request-id'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);
const readBody = express.raw({ type: () => true, limit: '10mb' });

/**
 * vCD's API extension routing over AMQP (VCD-WIRE §3): the request and its security context as one message to the
 * service's exchange and routing key; the reply's status, headers and base64 body become the answer; no reply in
 * time is vCD's 504.
 */
export function forwardOverAmqp(options: { link: MockAmqpLink; service: ExtensionService; session: Session }) {
  return (req: Request, res: Response, next: NextFunction) => {
    readBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      const { session, service } = options;
      const [path, query] = splitUrl(req.originalUrl);
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_REQUEST_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())] = value;
      }
      const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body.toString('base64') : '';
      const request = {
        id: String(res.getHeader('X-VMWARE-VCLOUD-REQUEST-ID') ?? randomUUID()),
        method: req.method,
        scheme: req.protocol,
        protocol: `HTTP/${req.httpVersion}`,
        headers,
        queryString: query,
        localPort: req.socket.localPort,
        remoteAddr: req.socket.remoteAddress,
        remotePort: req.socket.remotePort,
        localAddr: req.socket.localAddress,
        request: true,
        requestUri: path,
        body,
      };
      const context = securityContextOf(session);
      options.link.request({ exchange: service.exchange, routingKey: service.routingKey }, [request, context]).then(
        (reply) => {
          res.status(reply.statusCode);
          for (const [name, value] of Object.entries(reply.headers ?? {})) {
            if (!HOP_BY_HOP.has(name.toLowerCase())) res.setHeader(name, value);
          }
          res.end(reply.body ? Buffer.from(reply.body, 'base64') : undefined);
        },
        (error: Error) => {
          if (error instanceof ExtensionTimeout) {
            return next(new VcdError(504, 'GATEWAY_TIMEOUT', `The API extension "${service.name}" did not answer in time (${error.message}).`));
          }
          next(new VcdError(502, 'BAD_GATEWAY', `The API extension "${service.name}" failed: ${error.message}.`));
        },
      );
    });
  };
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}
