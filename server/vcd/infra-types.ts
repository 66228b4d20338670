import type { VcdCatalog } from './catalog';

/**
 * vCD's vApps, templates, VM metrics (legacy /api, `application/*+json`) and NSX-T edge load-balancer pools (cloudapi),
 * read with the caller's own session so vCD itself decides what the tenant may see (VCD-WIRE §6, docs/architecture.md).
 * An entity vCD hides (403) or does not know (404) is null.
 */

export interface VcdVmRef {
  id: string;
  name: string;
  poweredOn: boolean;
  ipAddress: string | null;
}
export interface VcdVAppRef {
  id: string;
  name: string;
  vms: VcdVmRef[];
}
export interface VcdTemplateRef {
  id: string;
  name: string;
  /**
   * The template's VMs (a scale-out template has exactly one), with their hardware from the VM's VmSpecSection
   * (`vmSpecSection.numCpus`, `vmSpecSection.memoryResourceMb.configured`, API 32.0+); null when vCD gives none.
   */
  vms: { id: string; href: string; name: string; cpus: number | null; memoryMb: number | null }[];
}
export interface VcdEdgeRef {
  id: string;
  name: string;
  orgName: string | null;
}
export interface VcdPoolRef {
  id: string;
  name: string;
  members: { ipAddress: string; port: number; enabled: boolean }[];
  /** From the pool summary: members listed and whether the pool is enabled. */
  memberCount?: number;
  enabled?: boolean;
}
export interface VcdVmUsage {
  cpuPercent: number;
  memoryPercent: number;
}

/** One historic sample of a VM (`/metrics/historic`). */
export interface VcdVmSample {
  at: number;
  cpuPercent: number;
  memoryPercent: number;
}

export interface VcdInfra extends VcdCatalog {
  /** A session of its own (Basic user@org:password; System users log in as provider); returns the bearer token. */
  login(user: string, password: string): Promise<string>;
  vApp(token: string, id: string): Promise<VcdVAppRef | null>;
  template(token: string, id: string): Promise<VcdTemplateRef | null>;
  edgeGateway(token: string, id: string): Promise<VcdEdgeRef | null>;
  pools(token: string, edgeGatewayId: string): Promise<VcdPoolRef[] | null>;
  vmUsage(token: string, vmId: string): Promise<VcdVmUsage | null>;
  /** CPU and memory samples of a VM between two instants (ms), oldest first; null when vCD hides the VM. */
  vmHistory(token: string, vmId: string, window: { from: number; to: number }): Promise<VcdVmSample[] | null>;
  /** Recomposes the vApp with one VM from a template VM href; resolves when vCD's task succeeded (else Upstream). */
  addVmFromTemplate(token: string, vAppId: string, templateVmHref: string, name: string): Promise<void>;
  powerOn(token: string, vmId: string): Promise<void>;
  powerOff(token: string, vmId: string): Promise<void>;
  deleteVm(token: string, vmId: string): Promise<void>;
  /** Adds (or removes) one member of an edge gateway's pool by rewriting the pool, as cloudapi wants. */
  setPoolMember(token: string, edgeGatewayId: string, poolName: string, ipAddress: string, present: boolean): Promise<void>;
  poolMembers(token: string, edgeGatewayId: string, poolName: string): Promise<VcdPoolRef['members'] | null>;
}
