import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** A vCD notification (VCD-WIRE §4): the JSON body vCD publishes on `<prefix>.notifications20`. */
export interface VcdNotification {
  eventId: string;
  type: string;
  timestamp: string;
  operationSuccess: boolean;
  user: string;
  org: string;
  entity: string;
  task: string;
  taskOwner: string;
}

export interface NotificationInput {
  /** The event after `com/vmware/vcloud/event/`, e.g. `vm/create`. */
  event: string;
  operationSuccess: boolean;
  userId: string;
  orgId: string;
  entity: string;
  task: string;
  taskOwner: string;
}

/** Whether a configured target is an absolute http(s) URL. */
export function isHttpUrl(value: unknown): value is string {
  try {
    return typeof value === 'string' && ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** vCD's AMQP routing key: `operationSuccess.entity.org.user.subType1...subTypeN` with the type's slashes as dots. */
export function routingKeyOf(n: VcdNotification): string {
  const uuid = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
  return [String(n.operationSuccess), uuid(n.entity), uuid(n.org), uuid(n.user), n.type.replace(/\//g, '.')].join('.');
}

/**
 * Emits vCD notifications in-process (`on('notification')`, for an AMQP publisher) and as HTTP POSTs to webhook
 * targets, with the AMQP headers as `X-Notification-*` HTTP headers. Delivery is fire-and-forget like vCD's.
 */
export class Notifier extends EventEmitter {
  readonly targets: string[] = [];
  readonly sent: VcdNotification[] = [];
  /** The extension's shared secret: when set, each POST carries X-Notification-Signature (hex HMAC-SHA256 of the body). */
  secret: string | undefined;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  emitNotification(input: NotificationInput): VcdNotification {
    return this.send(input).notification;
  }

  /** Emits like emitNotification and resolves once every webhook target answered (or failed). */
  async emitDelivered(input: NotificationInput): Promise<VcdNotification> {
    const { notification, delivered } = this.send(input);
    await delivered;
    return notification;
  }

  private send(input: NotificationInput): { notification: VcdNotification; delivered: Promise<unknown> } {
    const n: VcdNotification = {
      eventId: randomUUID(),
      type: `com/vmware/vcloud/event/${input.event}`,
      timestamp: new Date(this.now()).toISOString().replace('Z', '+00:00'),
      operationSuccess: input.operationSuccess,
      user: input.userId,
      org: input.orgId,
      entity: input.entity,
      task: input.task,
      taskOwner: input.taskOwner,
    };
    this.sent.push(n);
    if (this.sent.length > 1000) this.sent.splice(0, this.sent.length - 1000);
    this.emit('notification', n);
    return { notification: n, delivered: Promise.all(this.targets.map((url) => this.post(url, n))) };
  }

  private async post(url: string, n: VcdNotification): Promise<void> {
    const uuid = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
    const body = JSON.stringify(n);
    const signature: Record<string, string> = this.secret ? { 'X-Notification-Signature': createHmac('sha256', this.secret).update(body).digest('hex') } : {};
    try {
      await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Notification-Type': n.type,
          'X-Notification-EntityType': n.entity.split(':')[2] ?? '',
          'X-Notification-EntityUUID': uuid(n.entity),
          'X-Notification-OrgUUID': uuid(n.org),
          'X-Notification-UserUUID': uuid(n.user),
          'X-Notification-OperationSuccess': String(n.operationSuccess),
          'X-Notification-Routing-Key': routingKeyOf(n),
          ...signature,
        },
        body,
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      // An unreachable target loses the notification, as with a broker nobody listens on.
    }
  }
}
