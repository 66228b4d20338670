import http from 'node:http';
import https from 'node:https';
import type { NextFunction, Request, Response } from 'express';
import type { MockVcdState } from '../state';
import { VcdError, unauthorized } from '../http/vcd-errors';
import { tokenOf } from '../sessions/auth';
import { securityContextHeaders } from './security-context';
import { forwardOverAmqp } from './amqp-forward';
import { forwardOverMqtt } from './mqtt-forward';

/** Request headers passed on to the extension besides the security context. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'content-length', 'authorization', 'x-vcloud-authorization'];
/** Response headers that describe one hop, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer']);

/**
 * vCD's API extension routing, over HTTP instead of AMQP: a path matching an enabled service's URL pattern is
 * authenticated by vCD, then streamed to the service's endpoint with the signed security context, and the answer
 * streamed back as it comes.
 */
export function forwardToExtensions(deps: { state: MockVcdState }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const pathname = req.originalUrl.split('?')[0];
    const service = deps.state.extensions.match(pathname);
    const external = deps.state.externalServices.match(pathname);
    if (!service && !external) return next();
    const token = tokenOf(req);
    const session = token ? deps.state.sessions.resolve(token) : undefined;
    if (!session || !token) return next(unauthorized());
    // One precedence over both kinds: the higher priority, then the earlier registration, wins.
    if (external && (!service || external.priority > service.priority || (external.priority === service.priority && external.seq < service.seq))) {
      return forwardOverMqtt({ bus: deps.state.mqtt, service: external, session, token })(req, res, next);
    }
    if (!service) return next();
    // AMQP mode (VCD_AMQP_URL): every extension is reached through the broker, as in vCD.
    if (deps.state.amqp) return forwardOverAmqp({ link: deps.state.amqp, service, session })(req, res, next);
    const base = deps.state.httpExtensions[service.namespace];
    if (!base) return next(badGateway(`The API extension "${service.name}" has no endpoint (namespace ${service.namespace}).`));

    const target = new URL(base.replace(/\/+$/, '') + req.originalUrl);
    const headers: Record<string, string> = {
      ...securityContextHeaders(session, deps.state.sharedSecret),
      'X-VMWARE-VCLOUD-REQUEST-ID': String(res.getHeader('X-VMWARE-VCLOUD-REQUEST-ID') ?? ''),
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // A body without a declared length goes on chunked, as it came.
    if (req.headers['transfer-encoding'] && !req.headers['content-length']) headers['transfer-encoding'] = 'chunked';

    const client = target.protocol === 'https:' ? https : http;
    const upstream = client.request(target, { method: req.method, headers }, (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) res.setHeader(name, value);
      }
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (err) => {
      if (res.headersSent) return void res.destroy();
      next(badGateway(`The API extension "${service.name}" could not be reached (${(err as NodeJS.ErrnoException).code ?? err.message}).`));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}

const badGateway = (message: string) => new VcdError(502, 'BAD_GATEWAY', message);
