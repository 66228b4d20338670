// No zod here: the plugin imports this list as a value, and the backend validates event triggers against it.

export const VCD_EVENT_PREFIX = 'com/vmware/vcloud/event/';

/**
 * vCD notification types a function may subscribe to (VCD-WIRE §4: `com/vmware/vcloud/event/<object>/<event>`),
 * the tenant-visible ones of the vCD API guide's "Notification Types" tables plus `vm/change_state`, the type vCD sends
 * when a VM's power state changes. Spelled exactly as vCD sends them (`vappTemplate`, not `vapptemplate`): a trigger
 * matches the type string, so a mis-spelt one would never fire. Checked against VMware's text in
 * src/app/functions/vcd-event-types.spec.ts.
 */
export const VCD_EVENT_TYPES: readonly string[] = [
  'vm/create', 'vm/modify', 'vm/delete', 'vm/deploy', 'vm/undeploy', 'vm/change_state', 'vm/consolidate', 'vm/relocate',
  'vapp/create', 'vapp/import', 'vapp/modify', 'vapp/delete', 'vapp/deploy', 'vapp/undeploy', 'vapp/runtime_lease_expiry',
  'vappTemplate/create', 'vappTemplate/import', 'vappTemplate/modify', 'vappTemplate/delete',
  'media/create', 'media/import', 'media/modify', 'media/delete',
  'catalog/create', 'catalog/modify', 'catalog/delete',
  'vdc/create', 'vdc/modify', 'vdc/delete',
  'network/create', 'network/modify', 'network/delete',
  'session/login', 'user/import', 'user/remove', 'user/modify', 'user/lockout', 'user/unlock',
  'task/create', 'task/start', 'task/complete', 'task/abort', 'task/fail',
].map((t) => VCD_EVENT_PREFIX + t);

/**
 * The product's own event sources a function may subscribe to beside vCD's notifications (docs/functions.md):
 * `showback/budget.threshold`, a budget alert, and `showback/cost.anomaly`, a cost anomaly's alert (docs/showback.md).
 * The function gets the alert as its event.
 */
export const PRODUCT_EVENT_TYPES: readonly string[] = ['showback/budget.threshold', 'showback/cost.anomaly'];

/** Every type an event trigger may name: vCD's notifications, then the product's own sources. */
export const EVENT_TYPES: readonly string[] = [...VCD_EVENT_TYPES, ...PRODUCT_EVENT_TYPES];
