import { VCD_EVENT_PREFIX } from '../../../contract/vcd-events';

/** The vCD notification types an event trigger may subscribe to: the contract's own list, which the backend checks. */
export { PRODUCT_EVENT_TYPES, VCD_EVENT_PREFIX, VCD_EVENT_TYPES } from '../../../contract/vcd-events';

/** `com/vmware/vcloud/event/vm/create` → `vm/create`: vCD's own short form, shown as is (an identifier, not prose). */
export const shortEventType = (type: string): string => (type.startsWith(VCD_EVENT_PREFIX) ? type.slice(VCD_EVENT_PREFIX.length) : type);
