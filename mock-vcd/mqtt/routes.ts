import express, { Router } from 'express';
import { badRequest } from '../http/vcd-errors';
import { requireProvider, requireSession } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import type { MockMqttBus } from './broker';

/**
 * `GET /mock/admin/mqtt`: the bus's connections and what it dropped or refused; `POST /mock/admin/mqtt/disconnect`
 * drops every connection, `{"refuseMs": n}` also refuses new ones for n ms (mock only, provider session).
 */
export function mqttAdminRoutes(deps: { sessions: SessionStore; bus: MockMqttBus }): Router {
  const router = Router();
  router.get('/mock/admin/mqtt', requireSession(deps.sessions), requireProvider, (_req, res) => {
    res.json({
      path: '/messaging/mqtt',
      connectedClients: deps.bus.connectedClients,
      requestTimeoutMs: deps.bus.requestTimeoutMs,
      metricsIntervalMs: deps.bus.metricsIntervalMs,
      ...deps.bus.stats,
    });
  });
  // Fault injection: the bus drops every connection at once; clients must reconnect and resubscribe.
  router.post('/mock/admin/mqtt/disconnect', requireSession(deps.sessions), requireProvider, express.json({ limit: '10kb' }), (req, res) => {
    const refuseMs = (req.body as { refuseMs?: unknown } | undefined)?.refuseMs ?? 0;
    if (typeof refuseMs !== 'number' || !Number.isInteger(refuseMs) || refuseMs < 0 || refuseMs > 600_000) {
      throw badRequest('refuseMs must be an integer number of milliseconds, 0 to 600000.');
    }
    res.json({ disconnected: deps.bus.disconnectAll(refuseMs), refuseMs });
  });
  return router;
}
