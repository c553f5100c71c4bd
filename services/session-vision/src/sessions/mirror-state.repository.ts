import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import type { MirrorPresence, PresenceEvent } from './presence-state-machine';
import { SESSIONS_SETTINGS, type SessionsSettings } from './sessions.settings';

/** What is kept per mirror: presence, and events decided but not yet confirmed published (the outbox). */
export interface StoredMirror {
  presence: MirrorPresence;
  outbox: PresenceEvent[];
}

/** This replica does not own the mirror any more (its lease expired and another replica took it). */
export class LeaseLostError extends Error {
  constructor(readonly mirrorId: string) {
    super(`mirror ${mirrorId} is owned by another replica now; its frames are handled there`);
    this.name = 'LeaseLostError';
  }
}

// Writes only while holding the mirror's lease, so a replica that lost it can never overwrite the new owner.
const SAVE_IF_OWNER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[3], ARGV[5]) else redis.call('SREM', KEYS[3], ARGV[5]) end
return 1`;
const ACQUIRE = `
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** State outlives a session by far; it only has to survive restarts and hand-overs. */
const STATE_TTL_MS = 24 * 3600_000;

/**
 * Per-mirror state and ownership in Redis. A mirror is owned by one replica at a time through a lease
 * (`lease:<mirror>` = replica id, with a TTL the owner renews); state writes are fenced by that lease.
 */
@Injectable()
export class MirrorStateRepository {
  private readonly replicaId: string;
  private readonly leaseMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SESSIONS_SETTINGS) settings: SessionsSettings,
  ) {
    this.replicaId = settings.replicaId;
    this.leaseMs = settings.leaseMs;
  }

  private leaseKey = (mirrorId: string) => `vision:lease:${mirrorId}`;
  private stateKey = (mirrorId: string) => `vision:mirror:${mirrorId}`;
  private readonly openKey = 'vision:open-sessions';

  /** Takes or renews the lease; false when another replica holds it. */
  async acquire(mirrorId: string): Promise<boolean> {
    const ok = await this.redis.eval(
      ACQUIRE,
      1,
      this.leaseKey(mirrorId),
      this.replicaId,
      String(this.leaseMs),
    );
    return ok === 1;
  }

  /** Gives the lease up, if it is still ours. */
  async release(mirrorId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.leaseKey(mirrorId), this.replicaId);
  }

  /** What the mirror's last owner stored; null for a mirror never seen (or idle for a day). */
  async load(mirrorId: string): Promise<StoredMirror | null> {
    const raw = await this.redis.get(this.stateKey(mirrorId));
    return raw ? (JSON.parse(raw) as StoredMirror) : null;
  }

  /** Saves while this replica holds the lease; throws LeaseLostError otherwise. */
  async save(stored: StoredMirror): Promise<void> {
    const { mirrorId } = stored.presence;
    const ok = await this.redis.eval(
      SAVE_IF_OWNER,
      3,
      this.leaseKey(mirrorId),
      this.stateKey(mirrorId),
      this.openKey,
      this.replicaId,
      JSON.stringify(stored),
      String(STATE_TTL_MS),
      stored.presence.session || stored.outbox.length ? '1' : '0',
      mirrorId,
    );
    if (ok !== 1) throw new LeaseLostError(mirrorId);
  }

  /** Mirrors with an open session or unpublished events: the sweeper's work list. */
  async mirrorsToSweep(): Promise<string[]> {
    return this.redis.smembers(this.openKey);
  }
}
