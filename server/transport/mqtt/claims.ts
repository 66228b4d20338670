import type { Queryable } from '../../store/db';

/**
 * Exactly one replica runs each API_REQUEST: every replica receives it (no shared subscriptions in MQTT 3.1.1) and
 * the one whose INSERT lands claims it, in the store all replicas share (PostgreSQL; PGlite has one replica anyway).
 */
export class RequestClaims {
  private lastPrune = 0;

  constructor(
    private readonly db: Queryable,
    private readonly replica: string,
    /** Claims are kept this long: a copy of a request arriving later is dropped without a claim by its age. */
    private readonly keepMs: number,
  ) {}

  /** True when this replica is the one to run the request. */
  async claim(requestId: string): Promise<boolean> {
    const { rows } = await this.db.query('INSERT INTO mqtt_request_claims (request_id, replica) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING request_id', [
      requestId,
      this.replica,
    ]);
    if (Date.now() - this.lastPrune > 60_000) {
      this.lastPrune = Date.now();
      await this.db.query('DELETE FROM mqtt_request_claims WHERE claimed_at < $1', [new Date(Date.now() - this.keepMs)]);
    }
    return rows.length === 1;
  }
}
