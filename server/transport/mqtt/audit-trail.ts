import { z } from 'zod';
import type { VcdNotification } from '../../vcd/notification';

/**
 * vCD's audit trail (`GET /cloudapi/1.0.0/auditTrail`, AuditTrailEvent) read as notifications, for the events
 * reconcile. The notification's eventId is the audit entry's UUID (`urn:vcloud:audit:<uuid>`), so an event that came
 * over the bus and its audit entry are the same event to the handlers' claims.
 */

const AuditEvent = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    eventStatus: z.string().nullish(),
    timestamp: z.string(),
    operatingOrg: z.object({ id: z.string().nullish() }).passthrough().nullish(),
    user: z.object({ id: z.string().nullish() }).passthrough().nullish(),
    eventEntity: z.object({ id: z.string().nullish() }).passthrough().nullish(),
    taskId: z.string().nullish(),
  })
  .passthrough();
const Page = z.object({ pageCount: z.number().int(), values: z.array(z.unknown()) }).passthrough();

const MAX_PAGES = 20;
const uuidOf = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);

export function auditTrailReader(vcdUrl: string) {
  const base = vcdUrl.replace(/\/+$/, '');
  return async (since: Date, token: string): Promise<VcdNotification[]> => {
    const out: VcdNotification[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ filter: `timestamp=gt=${since.toISOString()}`, page: String(page), pageSize: '128', sortAsc: 'timestamp' });
      const res = await fetch(`${base}/cloudapi/1.0.0/auditTrail?${query}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json;version=37.0' },
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status !== 200) throw new Error(`vCD's audit trail answered ${res.status}`);
      const body = Page.parse(await res.json());
      for (const raw of body.values) {
        const e = AuditEvent.safeParse(raw);
        if (!e.success || !e.data.eventType.startsWith('com/vmware/vcloud/event/') || !e.data.operatingOrg?.id) continue;
        const d = e.data;
        out.push({
          eventId: uuidOf(d.eventId),
          type: d.eventType,
          timestamp: d.timestamp,
          operationSuccess: d.eventStatus !== 'FAILURE',
          user: d.user?.id ?? undefined,
          org: d.operatingOrg!.id!,
          entity: d.eventEntity?.id ?? undefined,
          task: d.taskId ? `urn:vcloud:task:${d.taskId}` : undefined,
        });
      }
      if (page >= body.pageCount) break;
    }
    return out;
  };
}
