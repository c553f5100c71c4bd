import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import { emptyLooks, type LookEffect, type MirrorLooks } from './looks-state';

/** A mirror's state with the effects its last change still owes (favourite written, photo asked for). */
export interface StoredMirrorLooks {
  state: MirrorLooks;
  pending: LookEffect[];
}

export interface Snapshot {
  value: StoredMirrorLooks;
  /** The stored text, compared on save: a save wins only over what it read. */
  raw: string;
}

/** Replaces the key only if it still holds what the caller read (empty string: the key was absent). */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * Each mirror's looks state in Redis (`looks:mirror:<id>`): any replica reads it, and a save succeeds only
 * over the version it read, so two replicas handling the same mirror's commands never lose one.
 */
@Injectable()
export class LooksRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async read(mirrorId: string): Promise<Snapshot> {
    const raw = (await this.redis.get(key(mirrorId))) ?? '';
    if (!raw) return { value: { state: emptyLooks(), pending: [] }, raw };
    const parsed = JSON.parse(raw) as StoredMirrorLooks;
    return { value: { state: { ...emptyLooks(), ...parsed.state }, pending: parsed.pending ?? [] }, raw };
  }

  /** False when another replica changed the state since `read`: read again and redo. */
  async save(mirrorId: string, read: Snapshot, next: StoredMirrorLooks, ttlMs: number): Promise<boolean> {
    const result = await this.redis.eval(
      COMPARE_AND_SET,
      1,
      key(mirrorId),
      read.raw,
      JSON.stringify(next),
      String(ttlMs),
    );
    return result === 1;
  }

  /** Keeps the list of mirrors whose screen shows a session (for the periodic refresh). */
  async markOpen(mirrorId: string, open: boolean, now: number): Promise<void> {
    if (open) await this.redis.zadd(OPEN, now, mirrorId);
    else await this.redis.zrem(OPEN, mirrorId);
  }

  /** Mirrors with a session on screen that changed since `since` (older ones are dropped from the list). */
  async openMirrors(since: number): Promise<string[]> {
    await this.redis.zremrangebyscore(OPEN, '-inf', `(${since}`);
    return this.redis.zrange(OPEN, 0, -1);
  }

  /** One replica refreshes per period: true for the one that got it. */
  async takeRefreshTurn(replica: string, periodMs: number): Promise<boolean> {
    return (
      (await this.redis.set(REFRESH_LOCK, replica, 'PX', Math.max(1, Math.floor(periodMs * 0.8)), 'NX')) ===
      'OK'
    );
  }
}

const key = (mirrorId: string) => `looks:mirror:${mirrorId}`;
/** Mirrors with a session on screen, scored by their last change (ms). */
const OPEN = 'looks:open';
const REFRESH_LOCK = 'looks:refresh-lock';
