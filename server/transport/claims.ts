import { hostname } from 'node:os';
import type { Queryable } from '../store/db';

/**
 * Exactly one replica runs each claimed request, decided in the store all replicas share (PostgreSQL; PGlite has one
 * replica anyway): the one whose INSERT lands. Over MQTT every replica receives every API_REQUEST (no shared
 * subscriptions in MQTT 3.1.1); over AMQP RabbitMQ redelivers a killed replica's unacked requests to another, which
 * must not run an unsafe one the killed replica had started.
 */
export class RequestClaims {
  private lastPrune = 0;

  constructor(
    private readonly db: Queryable,
    private readonly replica: string,
    /** Claims are kept this long: a copy of a request arriving later is no longer recognised. */
    private readonly keepMs: number,
  ) {}

  /** True when this replica is the one to run the request; throws when the store cannot be reached. */
  async claim(requestId: string): Promise<boolean> {
    const { rows } = await this.db.query('INSERT INTO extension_request_claims (request_id, replica) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING request_id', [
      requestId,
      this.replica,
    ]);
    if (Date.now() - this.lastPrune > 60_000) {
      this.lastPrune = Date.now();
      await this.db.query('DELETE FROM extension_request_claims WHERE claimed_at < $1', [new Date(Date.now() - this.keepMs)]);
    }
    return rows.length === 1;
  }
}

/** A replica's name in the claims when none is configured: unique per process on one host. */
export function defaultReplicaName(): string {
  return `${hostname()}-${process.pid}`;
}
