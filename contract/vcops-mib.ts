// The vROps SNMP trap format (VCD-WIRE §5): shared by the mock vROps that sends traps and the backend that receives them.

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
