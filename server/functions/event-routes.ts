import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { Invalid, parseOrThrow, Unauthenticated } from '../errors';
import { vcdNotificationSchema, type VcdNotification } from '../vcd/notification';
import type { FunctionsService } from './service';

/** A notification is small; anything larger is not one of vCD's. */
const MAX_NOTIFICATION_BYTES = 64 * 1024;

/** Hex HMAC-SHA256 of the raw body with the extension's shared secret: what X-Notification-Signature must carry. */
export function signNotification(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function signatureMatches(body: Buffer, given: string | undefined, secret: string): boolean {
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(signNotification(body, secret), 'hex'), Buffer.from(given, 'hex'));
}

/**
 * POST /notifications/vcd: vCD notifications delivered over HTTP (the mock vCD's webhook targets; the local
 * stand-in for the AMQP notification exchange). Only a body signed with the extension's shared secret is taken,
 * so nobody on the network can fake a vCD event. Answers 200 after the subscribed functions ran (each once per
 * eventId; their failures are activations, not errors of the delivery).
 */
export function notificationRoutes(deps: { functions: FunctionsService; sharedSecret?: string; observe?: (n: VcdNotification) => void }): Router {
  const router = Router();
  router.post('/vcd', express.raw({ type: () => true, limit: MAX_NOTIFICATION_BYTES }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!deps.sharedSecret) throw new Unauthenticated('notifications are refused: the backend has no EXTENSION_SHARED_SECRET to check them with');
    if (!signatureMatches(body, req.get('x-notification-signature'), deps.sharedSecret)) {
      throw new Unauthenticated('the notification is not signed with the extension secret (X-Notification-Signature)');
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new Invalid('the notification is not JSON', [{ path: '(body)', message: 'not valid JSON' }]);
    }
    const notification = parseOrThrow(vcdNotificationSchema, json, 'invalid vCD notification');
    deps.observe?.(notification);
    // Answered once the subscribed functions ran, like an AMQP consumer acking after the work.
    await deps.functions.handleVcdNotification(notification);
    res.json({ eventId: notification.eventId });
  });
  return router;
}
