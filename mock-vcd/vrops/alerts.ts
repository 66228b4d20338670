import { randomUUID } from 'node:crypto';

/**
 * The alert model of the mock vROps: per group and threshold, an alert raised after `waitCycles` breaching
 * evaluations and canceled after `cancelCycles` clear ones, rendered in the REST notification plugin's JSON (VCD-WIRE §5).
 */

export type ThresholdKind = 'cpuScaleOut' | 'cpuScaleIn' | 'memScaleOut' | 'memScaleIn';
export const THRESHOLD_KINDS: ThresholdKind[] = ['cpuScaleOut', 'cpuScaleIn', 'memScaleOut', 'memScaleIn'];

export const ALERT_NAMES: Record<ThresholdKind, string> = {
  cpuScaleOut: 'CPU above scale-out threshold',
  cpuScaleIn: 'CPU below scale-in threshold',
  memScaleOut: 'Memory above scale-out threshold',
  memScaleIn: 'Memory below scale-in threshold',
};

/** The seed's super metrics of a group. */
export interface GroupMetrics {
  /** Average over the group's powered-on VMs of CPU usage + CPU ready, in percent. */
  cpu: number;
  /** Average memory usage over the same VMs, in percent. */
  mem: number;
  /** VMs that contributed (powered on and still existing). */
  vms: number;
}

export function breaches(kind: ThresholdKind, threshold: number, m: GroupMetrics): boolean {
  switch (kind) {
    case 'cpuScaleOut':
      return m.cpu > threshold;
    case 'cpuScaleIn':
      return m.cpu < threshold;
    case 'memScaleOut':
      return m.mem > threshold;
    case 'memScaleIn':
      return m.mem < threshold;
  }
}

export interface VropsAlert {
  alertId: string;
  alertName: string;
  alertDefinitionId: string;
  status: 'ACTIVE' | 'CANCELED';
  criticality: string;
  resourceId: string;
  resourceName: string;
  resourceKind: string;
  adapterKind: string;
  startDate: number;
  updateDate: number;
  cancelDate: number | null;
  type: string;
  subType: string;
  info: string;
  Health: number;
  Risk: number;
  Efficiency: number;
}

export function newAlert(options: { kind: ThresholdKind; group: { id: string; name: string }; info: string; now: number }): VropsAlert {
  const scaleOut = options.kind.endsWith('ScaleOut');
  return {
    alertId: randomUUID(),
    alertName: ALERT_NAMES[options.kind],
    alertDefinitionId: `AlertDefinition-vcd-serverless-${options.kind}`,
    status: 'ACTIVE',
    criticality: scaleOut ? 'ALERT_CRITICALITY_LEVEL_WARNING' : 'ALERT_CRITICALITY_LEVEL_INFO',
    // A custom group is an "Environment" of the "Container" adapter in vROps.
    resourceId: options.group.id,
    resourceName: options.group.name,
    resourceKind: 'Environment',
    adapterKind: 'Container',
    startDate: options.now,
    updateDate: options.now,
    cancelDate: null,
    type: 'ALERT_TYPE_APPLICATION_PROBLEM',
    subType: scaleOut ? 'ALERT_SUBTYPE_PERFORMANCE_PROBLEM' : 'ALERT_SUBTYPE_CAPACITY_PROBLEM',
    info: options.info,
    Health: scaleOut ? 3 : 1,
    Risk: 1,
    Efficiency: scaleOut ? 1 : 2,
  };
}
