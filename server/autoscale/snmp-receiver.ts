/// <reference path="../../types/net-snmp.d.ts" />
import * as snmp from 'net-snmp';
import type { Logger } from 'pino';
import { ALERT_DATA_OIDS, TRAP_PROBLEM_ACTIVE, TRAP_PROBLEM_CLEAR } from '../../contract/vcops-mib';
import type { VropsAlert } from '../../contract/autoscale';

const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';

/** A vROps trap (VMWARE-VCOPS-EVENT-MIB) as the REST alert it stands for; undefined for any other trap. */
export function alertOfTrap(varbinds: snmp.Varbind[]): VropsAlert | undefined {
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : v === undefined || v === null ? undefined : String(v));
  const byOid = new Map(varbinds.map((v) => [v.oid, text(v.value)]));
  const trap = byOid.get(SNMP_TRAP_OID);
  if (trap !== TRAP_PROBLEM_ACTIVE && trap !== TRAP_PROBLEM_CLEAR) return undefined;
  const alertId = byOid.get(ALERT_DATA_OIDS.alertId);
  if (!alertId) return undefined;
  return {
    alertId,
    status: trap === TRAP_PROBLEM_ACTIVE ? 'ACTIVE' : 'CANCELED',
    alertName: byOid.get(ALERT_DATA_OIDS.definitionName),
    resourceName: byOid.get(ALERT_DATA_OIDS.entityName),
    resourceKind: byOid.get(ALERT_DATA_OIDS.resourceKind),
    criticality: byOid.get(ALERT_DATA_OIDS.criticality),
    info: byOid.get(ALERT_DATA_OIDS.message) ?? null,
  };
}

export interface SnmpReceiverOptions {
  port: number;
  address: string;
  /** SNMPv2c community the sender must use; traps with another are dropped by net-snmp's authorizer. */
  community: string;
  onAlert: (alert: VropsAlert) => Promise<void>;
  log: Logger;
}

/** vROps's SNMP trap plugin as an alert intake (issue 5): the same alerts as the REST webhook, over UDP. */
export class SnmpAlertReceiver {
  private receiver?: snmp.Receiver;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: SnmpReceiverOptions) {}

  start(): void {
    const { port, address, community, log } = this.options;
    this.receiver = snmp.createReceiver({ port, address, disableAuthorization: false }, (error, notification) => {
      if (error || !notification) {
        log.warn({ err: error?.message }, 'snmp trap dropped');
        return;
      }
      const alert = alertOfTrap(notification.pdu.varbinds);
      if (!alert) {
        log.info({ from: notification.rinfo.address }, 'snmp trap that is not a vROps alert ignored');
        return;
      }
      const handled = this.options
        .onAlert(alert)
        .catch((err: unknown) => log.error({ alertId: alert.alertId, err: (err as Error).message }, 'snmp alert failed'))
        .finally(() => this.pending.delete(handled));
      this.pending.add(handled);
    });
    this.receiver.getAuthorizer().addCommunity(community);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.receiver ? this.receiver.close(() => resolve()) : resolve()));
    await Promise.allSettled([...this.pending]);
  }
}
