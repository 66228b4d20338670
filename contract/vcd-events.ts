// No zod here: the plugin imports this list as a value, and the backend validates event triggers against it.

export const VCD_EVENT_PREFIX = 'com/vmware/vcloud/event/';

/**
 * vCD notification types a function may subscribe to (VCD-WIRE §4: `com/vmware/vcloud/event/<object>/<event>`),
 * the tenant-visible ones of the vCD API guide's tables plus the power events vCD emits for VMs.
 */
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
