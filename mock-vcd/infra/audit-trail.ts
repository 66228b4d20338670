import { Router } from 'express';
import { requireApiVersion } from '../http/api-version';
import { paged } from '../http/paged';
import { badRequest } from '../http/vcd-errors';
import { requireProvider, requireSession } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import type { Notifier } from './notifications';

/**
 * vCD's audit trail, `GET /cloudapi/1.0.0/auditTrail` (AuditTrailEvent: eventId, eventType, eventStatus, timestamp,
 * operatingOrg, user, eventEntity, taskId; vmware/cloud-provider-for-cloud-director's swagger model), over the events
 * the mock notified. A bus keeps no state, so consumers reconcile missed events here (docs/vcd-mqtt.md §1). The
 * mock understands the one FIQL filter a reconcile needs: `timestamp=gt=<ISO time>`; newest last.
 */
export function auditTrailRoutes(deps: { sessions: SessionStore; notifier: Notifier }): Router {
  const router = Router();
  router.get('/cloudapi/1.0.0/auditTrail', requireApiVersion, requireSession(deps.sessions), requireProvider, (req, res) => {
    const filter = typeof req.query.filter === 'string' ? req.query.filter : '';
    let after = -Infinity;
    if (filter) {
      const m = /^timestamp=gt=(.+)$/.exec(filter);
      const at = m ? Date.parse(m[1]) : NaN;
      if (Number.isNaN(at)) throw badRequest(`filter "${filter}": only timestamp=gt=<ISO 8601 time> is supported.`);
      after = at;
    }
    const uuid = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
    const values = deps.notifier.sent
      .filter((n) => Date.parse(n.timestamp) > after)
      .map((n) => ({
        eventId: `urn:vcloud:audit:${n.eventId}`,
        description: null,
        operatingOrg: { name: null, id: n.org },
        user: { name: null, id: n.user },
        eventEntity: { name: null, id: n.entity },
        taskId: n.task ? uuid(n.task) : null,
        taskCellId: null,
        cellId: null,
        eventType: n.type,
        serviceNamespace: 'com.vmware.cloud',
        eventStatus: n.operationSuccess ? 'SUCCESS' : 'FAILURE',
        timestamp: n.timestamp,
        external: false,
        additionalProperties: {},
      }));
    res.json(paged(values, req.query));
  });
  return router;
}
