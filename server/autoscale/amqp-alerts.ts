import { z } from 'zod';
import { VropsAlertSchema, type VropsAlert } from '../../contract/autoscale';
import type { AutoscaleService } from './service';

/**
 * An alert on the AMQP queue: vROps's REST notification body (VCD-WIRE §5), plus the vCD org when a bridge knows it.
 * Without `org` the alert is matched like an SNMP trap (the one org with a rule of that name or group).
 */
export const AmqpAlertSchema = VropsAlertSchema.and(z.object({ org: z.string().trim().min(1).max(128).optional() }));
export type AmqpAlert = VropsAlert & { org?: string };

/** An alert is the same alert again when its id and status are: a redelivery or a bridge's retry. */
export const alertKey = (a: AmqpAlert) => `${a.org?.toLowerCase() ?? '*'}/${a.alertId}/${a.status}`;

/** Hands a queued alert to the service as the REST and SNMP intakes do, with the backend's service account. */
export function amqpAlertHandler(service: AutoscaleService, login: () => Promise<string>) {
  return async (alert: AmqpAlert): Promise<void> => {
    const { org, ...body } = alert;
    if (org) await service.receiveAlert(org.toLowerCase(), await login(), body);
    else await service.receiveUnscopedAlert(body, login);
  };
}
