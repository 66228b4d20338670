/**
 * The vCD notification types an event trigger may subscribe to (contract VCD_EVENT_TYPES; the plugin imports
 * contract types only, so the list is repeated here and a spec keeps both equal).
 */
export const VCD_EVENT_PREFIX = 'com/vmware/vcloud/event/';

export const VCD_EVENT_TYPES: readonly string[] = [
  'vm/create', 'vm/import', 'vm/modify', 'vm/delete', 'vm/deploy', 'vm/undeploy', 'vm/poweron', 'vm/poweroff',
  'vm/suspend', 'vm/consolidate', 'vm/relocate',
  'vapp/create', 'vapp/import', 'vapp/modify', 'vapp/delete', 'vapp/deploy', 'vapp/undeploy', 'vapp/runtime_lease_expiry',
  'vapptemplate/create', 'vapptemplate/import', 'vapptemplate/modify', 'vapptemplate/delete',
  'media/create', 'media/import', 'media/modify', 'media/delete',
  'catalog/create', 'catalog/modify', 'catalog/delete',
  'vdc/create', 'vdc/modify', 'vdc/delete',
  'network/create', 'network/modify', 'network/delete',
  'session/login', 'user/import', 'user/remove', 'user/modify', 'user/lockout', 'user/unlock',
  'task/create', 'task/start', 'task/complete', 'task/abort', 'task/fail',
].map((t) => VCD_EVENT_PREFIX + t);

/** `com/vmware/vcloud/event/vm/create` → `vm/create`: vCD's own short form, shown as is (an identifier, not prose). */
export const shortEventType = (type: string): string => (type.startsWith(VCD_EVENT_PREFIX) ? type.slice(VCD_EVENT_PREFIX.length) : type);
