/// <reference path="../../types/net-snmp.d.ts" />
import * as snmp from 'net-snmp';
import type { VropsAlert } from './alerts';

export { ALERT_DATA_OIDS, TRAP_PROBLEM_ACTIVE, TRAP_PROBLEM_CLEAR, VCOPS_MIB } from '../../contract/vcops-mib';
import { ALERT_DATA_OIDS, TRAP_PROBLEM_ACTIVE, TRAP_PROBLEM_CLEAR } from '../../contract/vcops-mib';

export interface SnmpTarget {
  host: string;
  port: number;
  community: string;
}

const SEVERITY = ['none', 'info', 'warning', 'immediate', 'critical'];

export function trapVarbinds(alert: VropsAlert, serverName: string): snmp.Varbind[] {
  const values: Record<keyof typeof ALERT_DATA_OIDS, string> = {
    aliveServerName: serverName,
    entityName: alert.resourceName,
    entityType: 'General',
    timestamp: String(alert.status === 'CANCELED' ? alert.cancelDate : alert.updateDate),
    criticality: alert.criticality,
    rootCause: '',
    url: '',
    alertId: alert.alertId,
    message: alert.info,
    type: alert.type,
    subType: alert.subType,
    health: SEVERITY[alert.Health] ?? 'none',
    risk: SEVERITY[alert.Risk] ?? 'none',
    efficiency: SEVERITY[alert.Efficiency] ?? 'none',
    metricName: alert.alertName.startsWith('CPU') ? 'cpu|usage_ready_average' : 'mem|usage_average',
    resourceKind: alert.resourceKind,
    definitionName: alert.alertName,
    definitionDesc: alert.alertDefinitionId,
    impact: alert.Health > 1 ? 'health' : 'efficiency',
  };
  return (Object.keys(ALERT_DATA_OIDS) as (keyof typeof ALERT_DATA_OIDS)[]).map((k) => ({
    oid: ALERT_DATA_OIDS[k],
    type: snmp.ObjectType.OctetString,
    value: values[k],
  }));
}

/** Sends one SNMPv2c trap; resolves whether it was handed to the socket. */
export function sendTrap(target: SnmpTarget, alert: VropsAlert, serverName: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createSession(target.host, target.community, { trapPort: target.port, version: snmp.Version2c });
    session.on('error', () => resolve(false));
    session.trap(alert.status === 'ACTIVE' ? TRAP_PROBLEM_ACTIVE : TRAP_PROBLEM_CLEAR, trapVarbinds(alert, serverName), (error) => {
      session.close();
      resolve(!error);
    });
  });
}
