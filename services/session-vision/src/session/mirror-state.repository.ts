import type Redis from 'ioredis';
import type { MirrorPresence, PresenceEvent } from './presence-state-machine';

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

/**
 * Per-mirror state and ownership in Redis. A mirror is owned by one replica at a time through a lease
 * (`lease:<mirror>` = replica id, with a TTL the owner renews); state writes are fenced by that lease.
 */
export class MirrorStateRepository {
  constructor(
    private readonly redis: Redis,
    private readonly replicaId: string,
    private readonly leaseMs: number,
    /** State outlives a session by far; it only has to survive restarts and hand-overs. */
    private readonly stateTtlMs = 24 * 3600_000,
  ) {}

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

  async release(mirrorId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.leaseKey(mirrorId), this.replicaId);
  }

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
      String(this.stateTtlMs),
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
