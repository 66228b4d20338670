import { badRequest } from '../http/vcd-errors';
import type { Inventory, VApp, Vm } from './model';

/** vCD's query service (`/api/query?type=…&format=records`) over the inventory a session may see. */

type QueryRecord = Record<string, unknown> & { _type: string; href: string; name: string };

/** The mock models one system disk per VM, of this size (vCD reports it as the vApp's totalStorageAllocatedMb). */
export const VM_DISK_MB = 20_480;
const orgHref = (base: string, orgId: string) => `${base}/api/org/${orgId.slice(orgId.lastIndexOf(':') + 1)}`;

/** The fields vCD's `vm` and `adminVM` records share for a vApp's VM. */
const vmRecord = (base: string, v: VApp, m: Vm) => ({
  href: `${base}/api/vApp/vm-${m.uuid}`,
  name: m.name,
  containerName: v.name,
  container: `${base}/api/vApp/vapp-${v.uuid}`,
  status: m.power,
  isDeployed: m.power === 'POWERED_ON',
  ipAddress: m.ipAddress,
  isVAppTemplate: false,
  numberOfCpus: m.cpus,
  memoryMB: m.memoryMb,
  vdc: `${base}/api/vdc/${v.vdcUuid}`,
  otherAttributes: {},
});

type Recorder = (base: string, inv: Inventory, visible: (orgId: string) => boolean, orgName: (orgId: string) => string) => QueryRecord[];

const RECORDERS: Record<string, Recorder> = {
  vApp: (base, inv, visible) =>
    inv.vapps.filter((v) => visible(v.orgId)).map((v) => {
      const on = v.vms.some((m) => m.power === 'POWERED_ON');
      return {
        _type: 'QueryResultVAppRecordType',
        href: `${base}/api/vApp/vapp-${v.uuid}`,
        name: v.name,
        description: v.description,
        status: on ? 'POWERED_ON' : 'POWERED_OFF',
        isDeployed: on,
        numberOfVMs: v.vms.length,
        vdc: `${base}/api/vdc/${v.vdcUuid}`,
        vdcName: inv.vdcs.find((d) => d.uuid === v.vdcUuid)?.name ?? '',
        ownerName: 'admin',
        otherAttributes: {},
      };
    }),
  vm: (base, inv, visible) => [
    ...inv.vapps.filter((v) => visible(v.orgId)).flatMap((v) =>
      v.vms.map((m) => ({ ...vmRecord(base, v, m), _type: 'QueryResultVMRecordType', guestOs: 'Ubuntu Linux (64-bit)' })),
    ),
    // vCD lists template VMs too; clients filter `isVAppTemplate==false`.
    ...inv.templates.filter((t) => visible(t.orgId)).map((t) => ({
      _type: 'QueryResultVMRecordType',
      href: `${base}/api/vAppTemplate/vm-${t.vm.uuid}`,
      name: t.vm.name,
      containerName: t.name,
      container: `${base}/api/vAppTemplate/vappTemplate-${t.uuid}`,
      status: 'POWERED_OFF',
      isDeployed: false,
      ipAddress: null,
      isVAppTemplate: true,
      numberOfCpus: t.vm.cpus,
      memoryMB: t.vm.memoryMb,
      vdc: `${base}/api/vdc/${t.vdcUuid}`,
      guestOs: 'Ubuntu Linux (64-bit)',
      otherAttributes: {},
    })),
  ],
  // The admin views a provider (or usage collector) reads: they name the owning org, which the tenant views do not.
  adminVM: (base, inv, visible) =>
    inv.vapps.filter((v) => visible(v.orgId)).flatMap((v) =>
      v.vms.map((m) => ({
        ...vmRecord(base, v, m),
        _type: 'QueryResultAdminVMRecordType',
        isDeleted: false,
        vdcName: inv.vdcs.find((d) => d.uuid === v.vdcUuid)?.name ?? '',
        org: orgHref(base, v.orgId),
        dateCreated: new Date(m.createdAt).toISOString(),
      })),
    ),
  adminVApp: (base, inv, visible) =>
    inv.vapps.filter((v) => visible(v.orgId)).map((v) => ({
      _type: 'QueryResultAdminVAppRecordType',
      href: `${base}/api/vApp/vapp-${v.uuid}`,
      name: v.name,
      status: v.vms.some((m) => m.power === 'POWERED_ON') ? 'POWERED_ON' : 'POWERED_OFF',
      isDeployed: v.vms.some((m) => m.power === 'POWERED_ON'),
      numberOfVMs: v.vms.length,
      numberOfCpus: v.vms.reduce((a, m) => a + m.cpus, 0),
      memoryAllocationMB: v.vms.reduce((a, m) => a + m.memoryMb, 0),
      totalStorageAllocatedMb: v.vms.length * VM_DISK_MB,
      vdc: `${base}/api/vdc/${v.vdcUuid}`,
      vdcName: inv.vdcs.find((d) => d.uuid === v.vdcUuid)?.name ?? '',
      org: orgHref(base, v.orgId),
      otherAttributes: {},
    })),
  vAppTemplate: (base, inv, visible) =>
    inv.templates.filter((t) => visible(t.orgId)).map((t) => ({
      _type: 'QueryResultVAppTemplateRecordType',
      href: `${base}/api/vAppTemplate/vappTemplate-${t.uuid}`,
      name: t.name,
      description: t.description,
      status: 'RESOLVED',
      catalogName: 'templates',
      isPublished: false,
      vdc: `${base}/api/vdc/${t.vdcUuid}`,
      vdcName: inv.vdcs.find((d) => d.uuid === t.vdcUuid)?.name ?? '',
      otherAttributes: {},
    })),
  edgeGateway: (base, inv, visible) =>
    inv.edges.filter((e) => visible(e.orgId)).map((e) => ({
      _type: 'QueryResultEdgeGatewayRecordType',
      href: `${base}/api/admin/edgeGateway/${e.uuid}`,
      name: e.name,
      gatewayStatus: 'READY',
      haStatus: 'UP',
      isBusy: false,
      numberOfExtNetworks: 1,
      numberOfOrgNetworks: 1,
      vdc: `${base}/api/vdc/${e.vdcUuid}`,
      orgVdcName: inv.vdcs.find((d) => d.uuid === e.vdcUuid)?.name ?? '',
      otherAttributes: {},
    })),
  orgVdc: (base, inv, visible, orgName) =>
    inv.vdcs.filter((d) => visible(d.orgId)).map((d) => ({
      _type: 'QueryResultOrgVdcRecordType',
      href: `${base}/api/vdc/${d.uuid}`,
      name: d.name,
      orgName: orgName(d.orgId),
      isEnabled: true,
      status: 'READY',
      otherAttributes: {},
    })),
};

export const QUERY_TYPES = Object.keys(RECORDERS);

/** FIQL as vCD's query service takes it: `a==x;b==y*` (`;` and, `,` or, `*` wildcard), optionally in parentheses. */
export function fiqlMatcher(filter: string | undefined): (record: Record<string, unknown>) => boolean {
  if (!filter) return () => true;
  const alternatives = filter.replace(/^\((.*)\)$/, '$1').split(',').map((alt) =>
    alt.split(';').map((term) => {
      const m = /^([A-Za-z_][\w.]*)(==|!=)(.*)$/.exec(term.trim());
      if (!m) throw badRequest(`Bad filter term "${term}": expected attribute==value.`);
      const [, attr, op, value] = m;
      const pattern = new RegExp(`^${value.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
      return (r: Record<string, unknown>) => pattern.test(String(r[attr] ?? '')) === (op === '==');
    }),
  );
  return (r) => alternatives.some((terms) => terms.every((t) => t(r)));
}

export function queryRecords(options: {
  base: string;
  inv: Inventory;
  visible: (orgId: string) => boolean;
  query: Record<string, unknown>;
  /** The org's name, as vCD's orgVdc records carry it (`orgName`). */
  orgName?: (orgId: string) => string;
}) {
  const type = String(options.query.type ?? '');
  const recorder = RECORDERS[type];
  if (!recorder) throw badRequest(`Unsupported query type "${type}"; this mock answers ${QUERY_TYPES.join(', ')}.`);
  const format = String(options.query.format ?? 'records');
  if (!['records', 'idrecords', 'references'].includes(format)) throw badRequest(`Unsupported query format "${format}".`);
  const pageSize = Math.min(128, Math.max(1, Number(options.query.pageSize) || 25));
  const page = Math.max(1, Number(options.query.page) || 1);
  const all = recorder(options.base, options.inv, options.visible, options.orgName ?? (() => '')).filter(fiqlMatcher(options.query.filter as string | undefined));
  const sortKey = (options.query.sortAsc ?? options.query.sortDesc) as string | undefined;
  if (sortKey) {
    all.sort((a, b) => String(a[sortKey] ?? '').localeCompare(String(b[sortKey] ?? '')));
    if (options.query.sortDesc) all.reverse();
  }
  const href = `${options.base}/api/query?type=${type}&format=${format}&page=${page}&pageSize=${pageSize}`;
  return {
    otherAttributes: {},
    href,
    type: 'application/vnd.vmware.vcloud.query.records+json',
    name: type,
    page,
    pageSize,
    total: all.length,
    link: page * pageSize < all.length ? [{ rel: 'nextPage', href: href.replace(`page=${page}`, `page=${page + 1}`), type: null }] : [],
    record: all.slice((page - 1) * pageSize, page * pageSize),
  };
}
