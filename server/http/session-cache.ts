import { createHash } from 'node:crypto';
import type { VcdNotification } from '../vcd/notification';

/** What is cached per token: whoever the session is, named by vCD's user URN. */
interface Cached {
  userId: string;
}

interface Entry<P extends Cached> {
  principal: P;
  /** vCD's session URN (`urn:vcloud:session:..`), when sessions/current named it. */
  sessionId?: string;
  expiresAt: number;
}

/** vCD events after which a cached session may no longer be what vCD would answer now. */
const SESSION_ENDED = /^com\/vmware\/vcloud\/event\/session\/(logout|delete|expire|kill|terminate)/;
const USER_CHANGED = /^com\/vmware\/vcloud\/event\/user\/(disable|delete|remove|lockout|modify)$/;
const ROLES_CHANGED = /^com\/vmware\/vcloud\/event\/(role|group)\//;

/**
 * Remembers validated tokens briefly (keyed by hash: the cache never holds a token). vCD's events end an entry
 * early (`forgetOn`): a session's logout drops that session and its user's other entries, a disabled, deleted or
 * locked-out user drops theirs, a role or group change drops everything (who holds a role is not in the event).
 */
export class SessionCache<P extends Cached = Cached> {
  private readonly entries = new Map<string, Entry<P>>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  private key(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  get(token: string): P | undefined {
    const key = this.key(token);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.principal;
  }

  set(token: string, principal: P, sessionId?: string): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(this.key(token), { principal, sessionId, expiresAt: Date.now() + this.ttlMs });
  }

  /** Drops the entries a vCD event says may be stale; answers how many. */
  forgetOn(n: Pick<VcdNotification, 'type' | 'user' | 'entity'>): number {
    if (ROLES_CHANGED.test(n.type)) return this.forget(() => true);
    if (SESSION_ENDED.test(n.type)) return this.forget((e) => e.sessionId === n.entity || e.principal.userId === n.user || e.principal.userId === n.entity);
    if (USER_CHANGED.test(n.type)) return this.forget((e) => e.principal.userId === n.entity);
    return 0;
  }

  private forget(stale: (e: Entry<P>) => boolean): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (!stale(entry)) continue;
      this.entries.delete(key);
      dropped++;
    }
    return dropped;
  }
}
