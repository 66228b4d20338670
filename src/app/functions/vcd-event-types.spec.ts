import { VCD_EVENT_PREFIX, VCD_EVENT_TYPES } from '../../../contract/vcd-events';
import { shortEventType } from './vcd-event-types';

/**
 * The source the list in contract/vcd-events.ts was compiled from, transcribed here on its own so the two can
 * disagree: VMware, "vCloud API Programming Guide" (vCloud Director 5.5), chapter "Configuring and Using
 * Blocking Tasks and Notifications", section "Notification Types" — `com/vmware/vcloud/event/<object-type>/
 * <event-type>`, one table per group of object types (the later VMware Cloud Director API guides keep them).
 * Only the groups of objects a tenant owns are transcribed; the system's own (organizations, provider vDCs,
 * vCenter, hosts, datastores) are not offered to a tenant's function.
 */
const DOCUMENTED: Record<string, readonly string[]> = {
  'User, Group, Role, and Session Events': [
    'session/login', 'user/import', 'user/remove', 'user/modify', 'user/lockout', 'user/unlock', 'user/lock_expired',
  ],
  'vApp, Virtual Machine, and Media Events': [
    'vapp/create', 'vapp/import', 'vapp/modify', 'vapp/delete', 'vapp/deploy', 'vapp/undeploy', 'vapp/runtime_lease_expiry',
    'vm/create', 'vm/import', 'vm/modify', 'vm/delete', 'vm/deploy', 'vm/undeploy', 'vm/consolidate', 'vm/relocate',
    'vapptemplate/create', 'vapptemplate/import', 'vapptemplate/modify', 'vapptemplate/delete',
    'media/create', 'media/import', 'media/modify', 'media/delete',
  ],
  'Catalog Events': ['catalog/create', 'catalog/modify', 'catalog/delete'],
  'vDC Events': ['vdc/create', 'vdc/modify', 'vdc/delete'],
  'Network Events': ['network/create', 'network/modify', 'network/delete'],
  'Task and Blocking Task Events': ['task/create', 'task/start', 'task/complete', 'task/abort', 'task/fail', 'blockingtask/create'],
};

/** Documented, and left out on purpose (each with why). */
const LEFT_OUT: Record<string, string> = {
  'user/lock_expired': 'a lock ending by time has no actor in the org; user/unlock covers an unlock',
  'blockingtask/create': "blocking tasks are the system administrator's extension hook, not a tenant's",
};

/** Not in the guide's tables, added on purpose: the power operations vCD notifies for a VM. */
const ADDED = ['vm/poweron', 'vm/poweroff', 'vm/suspend'];

const short = (types: readonly string[]): string[] => types.map((t) => t.slice(VCD_EVENT_PREFIX.length));

describe('vCD event types offered by the editor', () => {
  it("are vCD's documented notification types: the guide's tables, less the ones left out, plus the VM power events", () => {
    const documented = Object.values(DOCUMENTED).flat();
    const expected = [...documented.filter((t) => !(t in LEFT_OUT)), ...ADDED];
    expect([...short(VCD_EVENT_TYPES)].sort()).toEqual(expected.sort());
  });

  it('have the documented form com/vmware/vcloud/event/<object-type>/<event-type>, each once', () => {
    for (const type of VCD_EVENT_TYPES) expect(type).toMatch(/^com\/vmware\/vcloud\/event\/[a-z]+\/[a-z_]+$/);
    expect(new Set(VCD_EVENT_TYPES).size).toBe(VCD_EVENT_TYPES.length);
  });

  it("are shown in vCD's short form", () => {
    expect(shortEventType('com/vmware/vcloud/event/vm/create')).toBe('vm/create');
    expect(shortEventType('urn:other:type')).toBe('urn:other:type');
  });
});
