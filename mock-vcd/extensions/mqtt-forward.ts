import express, { type NextFunction, type Request, type Response } from 'express';
import { VcdError } from '../http/vcd-errors';
import { ExtensionTimeout, type MockMqttBus } from '../mqtt/broker';
import { apiRequestMessage } from '../mqtt/messages';
import type { Session } from '../sessions/store';
import type { ExternalService } from './external-services';

/** vCD drops these from an extension's answer (api-extensibility.md); hop-by-hop ones describe no answer. */
const DROPPED = new Set(['authorization', 'x-vcloud-authorization', 'set-cookie', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);
const readBody = express.raw({ type: () => true, limit: '10mb' });

/**
 * vCD 10.4+'s API extension over its MQTT bus (docs/vcd-mqtt.md §4): the request as an API_REQUEST on the service's
 * monitor topic, the API_RESPONSE with the same requestId from its respond topic as the answer; none in time is 504.
 */
export function forwardOverMqtt(options: { bus: MockMqttBus; service: ExternalService; session: Session; token: string }) {
  return (req: Request, res: Response, next: NextFunction) => {
    readBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      const { bus, service } = options;
      const requestId = String(res.getHeader('X-VMWARE-VCLOUD-REQUEST-ID'));
      const message = apiRequestMessage({
        requestId,
        session: options.session,
        token: options.token,
        req,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        linkApiBaseUrl: `${req.protocol}://${req.get('host')}/api`,
      });
      bus.request(service, requestId, message).then(
        (answer) => {
          res.status(answer.statusCode);
          for (const [name, value] of Object.entries(answer.headers)) {
            if (!DROPPED.has(name.toLowerCase())) res.setHeader(name, value);
          }
          res.end(answer.body);
        },
        (error: Error) => {
          if (error instanceof ExtensionTimeout) {
            return next(new VcdError(504, 'GATEWAY_TIMEOUT', `The API extension "${service.name}" did not answer in time (${error.message}).`));
          }
          next(new VcdError(502, 'BAD_GATEWAY', `The API extension "${service.name}" could not be reached: ${error.message}.`));
        },
      );
    });
  };
}
