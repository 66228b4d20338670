import type { Request } from 'express';
import {
  type EdgeGateway,
  type Inventory,
  type LbPool,
  type VApp,
  type VAppTemplate,
  type Vdc,
  type Vm,
  VCD_STATUS,
  gatewayUrn,
  poolUrn,
  templateUrn,
  vappUrn,
  vdcUrn,
  vmUrn,
} from './model';
import type { Task } from './tasks';

/** vCD's JSON renderings (Accept `application/*+json;version=…`) of the inventory, with absolute hrefs like vCD's. */

export const baseUrlOf = (req: Request) => `${req.protocol}://${req.get('host')}`;
const media = (kind: string) => `application/vnd.vmware.vcloud.${kind}+json`;
const link = (rel: string, href: string, type: string | null = null, name?: string) => ({ rel, href, type, ...(name ? { name } : {}) });
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

export function vmJson(base: string, vapp: VApp, vm: Vm) {
  const href = `${base}/api/vApp/vm-${vm.uuid}`;
  const on = vm.power === 'POWERED_ON';
  return {
    otherAttributes: {},
    href,
    type: media('vm'),
    id: vmUrn(vm.uuid),
    name: vm.name,
    status: VCD_STATUS[vm.power],
    deployed: on,
    needsCustomization: false,
    nestedHypervisorEnabled: false,
    vAppScopedLocalId: vm.name,
    dateCreated: iso(vm.createdAt),
    description: '',
    link: [
      link('up', `${base}/api/vApp/vapp-${vapp.uuid}`, media('vApp')),
      on ? link('power:powerOff', `${href}/power/action/powerOff`) : link('power:powerOn', `${href}/power/action/powerOn`),
      ...(on ? [] : [link('remove', href)]),
      link('metrics', `${href}/metrics/current`, media('metrics.currentUsageSpec')),
      link('metrics', `${href}/metrics/historic`, media('metrics.historicUsageSpec')),
    ],
    vmSpecSection: { modified: false, numCpus: vm.cpus, numCoresPerSocket: 1, memoryResourceMb: { configured: vm.memoryMb } },
    section: [
      {
        _type: 'NetworkConnectionSectionType',
        info: { value: 'Specifies the available VM network connections' },
        primaryNetworkConnectionIndex: 0,
        networkConnection: [
          {
            network: vapp.network.name,
            needsCustomization: false,
            networkConnectionIndex: 0,
            ipAddress: vm.ipAddress,
            ipType: 'IPV4',
            externalIpAddress: null,
            isConnected: true,
            macAddress: vm.macAddress,
            ipAddressAllocationMode: 'POOL',
            networkAdapterType: 'VMXNET3',
          },
        ],
      },
    ],
  };
}

export function vappJson(base: string, vapp: VApp) {
  const href = `${base}/api/vApp/vapp-${vapp.uuid}`;
  const anyOn = vapp.vms.some((vm) => vm.power === 'POWERED_ON');
  return {
    otherAttributes: {},
    href,
    type: media('vApp'),
    id: vappUrn(vapp.uuid),
    name: vapp.name,
    description: vapp.description,
    status: anyOn ? VCD_STATUS.POWERED_ON : VCD_STATUS.POWERED_OFF,
    deployed: anyOn,
    link: [
      link('up', `${base}/api/vdc/${vapp.vdcUuid}`, media('vdc')),
      link('recompose', `${href}/action/recomposeVApp`, media('recomposeVAppParams')),
    ],
    children: { vm: vapp.vms.map((vm) => vmJson(base, vapp, vm)) },
  };
}

export function templateJson(base: string, t: VAppTemplate) {
  const href = `${base}/api/vAppTemplate/vappTemplate-${t.uuid}`;
  return {
    otherAttributes: {},
    href,
    type: media('vAppTemplate'),
    id: templateUrn(t.uuid),
    name: t.name,
    description: t.description,
    status: 8,
    goldMaster: false,
    link: [link('up', `${base}/api/vdc/${t.vdcUuid}`, media('vdc'))],
    children: {
      vm: [
        {
          href: `${base}/api/vAppTemplate/vm-${t.vm.uuid}`,
          type: media('vm'),
          id: vmUrn(t.vm.uuid),
          name: t.vm.name,
          status: 8,
          // VmSpecSectionType (API 32.0+), as vCD renders it on a template's VM.
          vmSpecSection: { modified: false, osType: 'ubuntu64Guest', numCpus: t.vm.cpus, numCoresPerSocket: 1, memoryResourceMb: { configured: t.vm.memoryMb } },
        },
      ],
    },
  };
}

export function taskJson(base: string, task: Task) {
  const href = `${base}/api/task/${task.uuid}`;
  return {
    otherAttributes: {},
    href,
    type: media('task'),
    id: `urn:vcloud:task:${task.uuid}`,
    name: 'task',
    operationKey: null,
    cancelRequested: false,
    expiryTime: iso(task.startedAt + 30 * 86_400_000),
    operation: task.operation,
    operationName: task.operationName,
    serviceNamespace: 'com.vmware.vcloud',
    startTime: iso(task.startedAt),
    endTime: task.endedAt === null ? null : iso(task.endedAt),
    status: task.status,
    progress: task.status === 'success' ? 100 : task.status === 'running' ? 50 : 0,
    details: task.error ?? '',
    link: [],
    owner: { href: `${base}${task.owner.path}`, id: task.owner.id, name: task.owner.name, type: media(task.owner.type) },
    error: task.error === null ? null : { majorErrorCode: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: task.error, stackTrace: null },
    user: { href: null, id: task.user.id, name: task.user.name, type: media('user') },
    organization: { href: `${base}/api/org/${task.org.id.split(':').pop()}`, id: task.org.id, name: task.org.name, type: media('org') },
  };
}

export const vdcJson = (base: string, vdc: Vdc) => ({
  href: `${base}/api/vdc/${vdc.uuid}`,
  type: media('vdc'),
  id: vdcUrn(vdc.uuid),
  name: vdc.name,
  status: 1,
  allocationModel: 'Flex',
});

/** cloudapi 1.0.0 EdgeGateway (NSX-T backed). */
export const edgeGatewayJson = (inv: Inventory, edge: EdgeGateway, orgName: string) => {
  const vdc = inv.vdcs.find((v) => v.uuid === edge.vdcUuid);
  return {
    id: gatewayUrn(edge.uuid),
    name: edge.name,
    description: '',
    ownerRef: { name: vdc?.name ?? '', id: vdcUrn(edge.vdcUuid) },
    orgVdc: { name: vdc?.name ?? '', id: vdcUrn(edge.vdcUuid) },
    orgRef: { name: orgName, id: edge.orgId },
    gatewayBacking: { backingId: edge.uuid, gatewayType: 'NSXT_BACKED', networkProvider: { name: null, id: null } },
    edgeGatewayUplinks: [],
    status: 'REALIZED',
  };
};

/** cloudapi 1.0.0 EdgeLoadBalancerPool (NSX-T Advanced Load Balancer); a member is UP when a powered-on VM has its IP. */
export const poolJson = (edge: EdgeGateway, pool: LbPool, isUp: (ip: string) => boolean = () => true) => ({
  id: poolUrn(pool.uuid),
  name: pool.name,
  description: pool.description,
  enabled: pool.enabled,
  passiveHealthCheckEnabled: true,
  algorithm: pool.algorithm,
  defaultPort: pool.defaultPort,
  gracefulTimeoutPeriod: 1,
  members: pool.members.map((m) => ({
    ipAddress: m.ipAddress,
    port: m.port,
    ratio: m.ratio,
    enabled: m.enabled,
    healthStatus: !m.enabled ? 'DISABLED' : isUp(m.ipAddress) ? 'UP' : 'DOWN',
    detailedHealthMessage: null,
    markedDownBy: [],
  })),
  memberCount: pool.members.length,
  enabledMemberCount: pool.members.filter((m) => m.enabled).length,
  upMemberCount: pool.members.filter((m) => m.enabled && isUp(m.ipAddress)).length,
  healthMessage: 'The pool is assigned to a virtual service and is up',
  healthMonitors: [{ name: null, type: 'HTTP' }],
  persistenceProfile: null,
  virtualServiceRefs: [],
  gatewayRef: { name: edge.name, id: gatewayUrn(edge.uuid) },
});

/** cloudapi's EdgeLoadBalancerPoolSummary, as the gateway's pool list returns it. */
export const poolSummaryJson = (edge: EdgeGateway, pool: LbPool, isUp?: (ip: string) => boolean) => {
  const { members: _members, healthMonitors: _hm, persistenceProfile: _pp, ...summary } = poolJson(edge, pool, isUp);
  return summary;
};
