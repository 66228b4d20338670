import type { Directory } from '../orgs/directory';
import type { Inventory, VApp } from './model';

/** Stable ids per demo org, so fixtures, docs and the autoscale tests can name them. */
const DEMO_IDS = {
  acme: {
    prefix: '10.10.0',
    vdc: 'b1a0c001-0000-4000-8000-00000000a001',
    template: 'b1a0c001-0000-4000-8000-00000000a002',
    templateVm: 'b1a0c001-0000-4000-8000-00000000a003',
    vapp: 'b1a0c001-0000-4000-8000-00000000a004',
    vms: ['b1a0c001-0000-4000-8000-00000000a005', 'b1a0c001-0000-4000-8000-00000000a006'],
    edge: 'b1a0c001-0000-4000-8000-00000000a007',
    pool: 'b1a0c001-0000-4000-8000-00000000a008',
  },
  globex: {
    prefix: '10.20.0',
    vdc: 'b1a0c001-0000-4000-8000-00000000b001',
    template: 'b1a0c001-0000-4000-8000-00000000b002',
    templateVm: 'b1a0c001-0000-4000-8000-00000000b003',
    vapp: 'b1a0c001-0000-4000-8000-00000000b004',
    vms: ['b1a0c001-0000-4000-8000-00000000b005'],
    edge: 'b1a0c001-0000-4000-8000-00000000b007',
    pool: 'b1a0c001-0000-4000-8000-00000000b008',
  },
} as const;

export const DEMO_INFRA_IDS = DEMO_IDS;

/** Default vApp load: total CPU demand in percent of one VM (two serving VMs at 30 % each). */
export const DEFAULT_LOAD = 60;

/**
 * Per demo org: a vDC, a single-VM template "web-template", a vApp "web" (acme: web-01 and web-02, globex: web-01,
 * all powered on), an edge gateway "<org>-edge" with the LB pool "web-pool" whose members are the VMs' IPs on port 80.
 */
export function createDemoInventory(directory: Directory, now = Date.now()): Inventory {
  const inv: Inventory = { vdcs: [], templates: [], vapps: [], edges: [] };
  for (const [orgName, ids] of Object.entries(DEMO_IDS)) {
    const org = directory.orgs.find((o) => o.name === orgName);
    if (!org) continue;
    inv.vdcs.push({ uuid: ids.vdc, orgId: org.id, name: `${orgName}-vdc` });
    inv.templates.push({
      uuid: ids.template,
      orgId: org.id,
      vdcUuid: ids.vdc,
      name: 'web-template',
      description: 'Ubuntu 22.04 with nginx (single VM)',
      vm: { uuid: ids.templateVm, name: 'web', cpus: 2, memoryMb: 2048 },
    });
    const vapp: VApp = {
      uuid: ids.vapp,
      orgId: org.id,
      vdcUuid: ids.vdc,
      name: 'web',
      description: 'Web tier',
      network: { name: 'web-net', prefix: ids.prefix },
      load: DEFAULT_LOAD,
      vms: ids.vms.map((uuid, i) => ({
        uuid,
        name: `web-0${i + 1}`,
        vappUuid: ids.vapp,
        power: 'POWERED_ON' as const,
        cpus: 2,
        memoryMb: 2048,
        ipAddress: `${ids.prefix}.${11 + i}`,
        macAddress: `00:50:56:01:${orgName === 'acme' ? '0a' : '0b'}:${(i + 1).toString(16).padStart(2, '0')}`,
        sourceTemplateUuid: ids.template,
        createdAt: now,
      })),
    };
    inv.vapps.push(vapp);
    inv.edges.push({
      uuid: ids.edge,
      orgId: org.id,
      vdcUuid: ids.vdc,
      name: `${orgName}-edge`,
      pools: [
        {
          uuid: ids.pool,
          name: 'web-pool',
          description: 'Web tier on port 80',
          enabled: true,
          algorithm: 'LEAST_CONNECTIONS',
          defaultPort: 80,
          members: vapp.vms.map((vm) => ({ ipAddress: vm.ipAddress!, port: 80, ratio: 1, enabled: true })),
        },
      ],
    });
  }
  return inv;
}
