/// <reference path="./net-snmp.d.ts" />
import * as snmp from 'net-snmp';
import type { VropsAlert } from './alerts';

/** VMWARE-VCOPS-EVENT-MIB (vmwVcopsMIB 1.3.6.1.4.1.6876.4.5.1): the traps vROps's SNMP plugin sends. */
export const VCOPS_MIB = '1.3.6.1.4.1.6876.4.5.1';
export const TRAP_PROBLEM_ACTIVE = `${VCOPS_MIB}.0.46`;
export const TRAP_PROBLEM_CLEAR = `${VCOPS_MIB}.0.47`;
/** vmwareGenericAlertData columns (`.2.n`) in MIB order. */
export const ALERT_DATA_OIDS = {
  aliveServerName: `${VCOPS_MIB}.2.1`,
  entityName: `${VCOPS_MIB}.2.2`,
  entityType: `${VCOPS_MIB}.2.3`,
  timestamp: `${VCOPS_MIB}.2.4`,
  criticality: `${VCOPS_MIB}.2.5`,
  rootCause: `${VCOPS_MIB}.2.6`,
  url: `${VCOPS_MIB}.2.7`,
  alertId: `${VCOPS_MIB}.2.8`,
  message: `${VCOPS_MIB}.2.9`,
  type: `${VCOPS_MIB}.2.10`,
  subType: `${VCOPS_MIB}.2.11`,
  health: `${VCOPS_MIB}.2.12`,
  risk: `${VCOPS_MIB}.2.13`,
  efficiency: `${VCOPS_MIB}.2.14`,
  metricName: `${VCOPS_MIB}.2.15`,
  resourceKind: `${VCOPS_MIB}.2.16`,
  definitionName: `${VCOPS_MIB}.2.17`,
  definitionDesc: `${VCOPS_MIB}.2.18`,
  impact: `${VCOPS_MIB}.2.19`,
} as const;

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
