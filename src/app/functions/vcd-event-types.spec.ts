import { VCD_EVENT_TYPES as CONTRACT_EVENT_TYPES } from '../../../contract/functions';
import { VCD_EVENT_TYPES, shortEventType } from './vcd-event-types';

describe('vCD event types offered by the editor', () => {
  it('are exactly the ones the backend accepts, so no choice is refused', () => {
    expect([...VCD_EVENT_TYPES]).toEqual(CONTRACT_EVENT_TYPES);
  });

  it("are shown in vCD's short form", () => {
    expect(shortEventType('com/vmware/vcloud/event/vm/create')).toBe('vm/create');
  });
});
