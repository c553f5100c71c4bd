import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { MirrorStateRepository } from './mirror-state.repository';
import { SessionService } from './session.service';
import { SESSIONS_SETTINGS, type SessionsSettings } from './sessions.settings';

/** What this replica knows of one mirror's lease. */
interface Lease {
  owned: boolean;
  /** When the lease was last taken or renewed (or found taken by another replica). */
  checkedAt: number;
}

/** `lost`: the mirror was ours until now; what this replica kept about it must be forgotten. */
export type Ownership = 'owned' | 'not-owner' | 'lost';

/**
 * One replica per mirror: a mirror belongs to whoever holds its Redis lease (MirrorStateRepository, which
 * also fences every state write by it). Taking a mirror over resumes its session from Redis.
 */
@Injectable()
export class MirrorOwnership {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly repository: MirrorStateRepository,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    @Inject(SESSIONS_SETTINGS) private readonly settings: SessionsSettings,
  ) {}

  /** Whether this replica holds the mirror's lease; takes or renews it at most every third of its length. */
  async ensureOwner(mirrorId: string): Promise<Ownership> {
    const lease = this.leases.get(mirrorId) ?? { owned: false, checkedAt: -Infinity };
    const now = this.clock.now();
    if (now - lease.checkedAt < this.settings.leaseMs / 3) return lease.owned ? 'owned' : 'not-owner';
    const owned = await this.repository.acquire(mirrorId);
    lease.checkedAt = now;
    this.leases.set(mirrorId, lease);
    // Taking over (start-up, restart, another replica gone): continue from what the last owner stored.
    // The lease counts as ours only once that worked; until then frames are refused and it is retried.
    if (owned && !lease.owned) await this.sessions.resume(mirrorId);
    if (!owned && lease.owned) {
      this.forget(mirrorId);
      return 'lost';
    }
    lease.owned = owned;
    return owned ? 'owned' : 'not-owner';
  }

  /** Forgets the lease and the session state: the next frame asks Redis again. */
  forget(mirrorId: string): void {
    this.leases.delete(mirrorId);
    this.sessions.forget(mirrorId);
  }

  /** Lets an idle mirror go, so any replica can pick it up when its frames come back. */
  async release(mirrorId: string): Promise<void> {
    await this.repository.release(mirrorId);
    this.forget(mirrorId);
  }
}
