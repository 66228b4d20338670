/**
 * The mock's compute and network inventory: vDCs, vApp templates, vApps with VMs, edge gateways with NSX-T ALB
 * load-balancer pools. Plain data owned by one `Inventory`; routes render it in vCD's wire formats (wire.ts).
 */

export type VmPower = 'POWERED_ON' | 'POWERED_OFF';

/** vCD's numeric entity status for the two states this mock models (4 = POWERED_ON, 8 = POWERED_OFF). */
export const VCD_STATUS: Record<VmPower, number> = { POWERED_ON: 4, POWERED_OFF: 8 };

export interface Vdc {
  uuid: string;
  orgId: string;
  name: string;
}

export interface Network {
  name: string;
  /** The first three octets of the network's static IP pool, e.g. `10.10.0`. */
  prefix: string;
}

export interface TemplateVm {
  uuid: string;
  name: string;
  cpus: number;
  memoryMb: number;
}

export interface VAppTemplate {
  uuid: string;
  orgId: string;
  vdcUuid: string;
  name: string;
  description: string;
  vm: TemplateVm;
}

export interface Vm {
  uuid: string;
  name: string;
  vappUuid: string;
  power: VmPower;
  cpus: number;
  memoryMb: number;
  /** The VM's IP on the vApp network; vCD assigns it from the pool at power on and keeps it. */
  ipAddress: string | null;
  macAddress: string;
  /** The template VM it was composed from, if any. */
  sourceTemplateUuid: string | null;
  createdAt: number;
}

export interface VApp {
  uuid: string;
  orgId: string;
  vdcUuid: string;
  name: string;
  description: string;
  network: Network;
  vms: Vm[];
  /** Total CPU demand in percent of one VM's capacity, shared by the vApp's serving VMs (admin-set). */
  load: number;
}

export interface PoolMember {
  ipAddress: string;
  port: number;
  ratio: number;
  enabled: boolean;
}

export interface LbPool {
  uuid: string;
  name: string;
  description: string;
  enabled: boolean;
  algorithm: string;
  defaultPort: number;
  members: PoolMember[];
}

export interface EdgeGateway {
  uuid: string;
  orgId: string;
  vdcUuid: string;
  name: string;
  pools: LbPool[];
}

export interface Inventory {
  vdcs: Vdc[];
  templates: VAppTemplate[];
  vapps: VApp[];
  edges: EdgeGateway[];
}

export const vmUrn = (uuid: string) => `urn:vcloud:vm:${uuid}`;
export const vappUrn = (uuid: string) => `urn:vcloud:vapp:${uuid}`;
export const templateUrn = (uuid: string) => `urn:vcloud:vapptemplate:${uuid}`;
export const vdcUrn = (uuid: string) => `urn:vcloud:vdc:${uuid}`;
export const gatewayUrn = (uuid: string) => `urn:vcloud:gateway:${uuid}`;
export const poolUrn = (uuid: string) => `urn:vcloud:loadBalancerPool:${uuid}`;

export const findVapp = (inv: Inventory, uuid: string) => inv.vapps.find((v) => v.uuid === uuid);
export const findTemplate = (inv: Inventory, uuid: string) =>
  inv.templates.find((t) => t.uuid === uuid || t.vm.uuid === uuid);
export function findVm(inv: Inventory, uuid: string): { vapp: VApp; vm: Vm } | undefined {
  for (const vapp of inv.vapps) {
    const vm = vapp.vms.find((m) => m.uuid === uuid);
    if (vm) return { vapp, vm };
  }
  return undefined;
}
export function findPool(inv: Inventory, uuid: string): { edge: EdgeGateway; pool: LbPool } | undefined {
  for (const edge of inv.edges) {
    const pool = edge.pools.find((p) => p.uuid === uuid);
    if (pool) return { edge, pool };
  }
  return undefined;
}

/** The next free host address on the vApp's network (.11 upwards), like vCD's static IP pool. */
export function nextIp(vapp: VApp): string {
  const used = new Set(vapp.vms.map((v) => v.ipAddress));
  for (let host = 11; host < 255; host++) {
    const ip = `${vapp.network.prefix}.${host}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error(`network ${vapp.network.name} has no free address`);
}

/** The VMs whose IP is an enabled member of one of the org's LB pools and which are powered on. */
export function servingVms(inv: Inventory, vapp: VApp): Vm[] {
  const memberIps = new Set(
    inv.edges
      .filter((e) => e.orgId === vapp.orgId)
      .flatMap((e) => e.pools.filter((p) => p.enabled).flatMap((p) => p.members.filter((m) => m.enabled).map((m) => m.ipAddress))),
  );
  return vapp.vms.filter((vm) => vm.power === 'POWERED_ON' && vm.ipAddress !== null && memberIps.has(vm.ipAddress));
}
