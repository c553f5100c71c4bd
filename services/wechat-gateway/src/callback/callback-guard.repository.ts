import { Inject, Injectable } from '@nestjs/common';
import { withTimeout } from '@mirror/async';
import { REDIS } from '@mirror/platform';
import type Redis from 'ioredis';
import { GuardStoreUnavailableError } from './callback.errors';
import { CALLBACK_SETTINGS, type CallbackSettings } from './callback.settings';

/** What the store knew about a callback when it arrived. */
export type ClaimResult =
  | { kind: 'replayed-nonce' }
  | { kind: 'claimed' }
  | { kind: 'in-flight' }
  | { kind: 'answered'; body: string };

const PENDING = 'p';
const ANSWERED = 'r:';

// One round trip, atomic: remember the nonce with the body's hash, then claim the de-duplication key or return
// what the first delivery stored under it. A nonce seen before with the same body is WeChat repeating the very
// same request (a retry): it goes on to de-duplication. With another body it is a replay. A GET verification
// (both keys the same) never repeats.
const CLAIM = `
if not redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[1], 'NX') then
  if KEYS[2] == KEYS[1] or redis.call('GET', KEYS[1]) ~= ARGV[4] then return {'replayed-nonce'} end
end
if KEYS[2] == KEYS[1] then return {'claimed'} end
if redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2], 'NX') then return {'claimed'} end
local seen = redis.call('GET', KEYS[2])
if seen == false then return {'claimed'} end
return {'seen', seen}`;

interface ClaimingRedis extends Redis {
  wechatClaim(
    nonceKey: string,
    dedupKey: string,
    nonceTtlMs: number,
    pendingTtlMs: number,
    pending: string,
    bodyHash: string,
  ): Promise<string[]>;
}

/**
 * The replay guard and the de-duplication record in Redis: nonces seen inside the timestamp window, and per
 * callback key either "in flight" or the exact reply body the first delivery got.
 * Every operation is bounded: an outage surfaces as GuardStoreUnavailableError, never as a hang.
 */
@Injectable()
export class CallbackGuardRepository {
  private readonly redis: ClaimingRedis;
  private readonly timeoutMs: number;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CALLBACK_SETTINGS) settings: CallbackSettings) {
    if (!('wechatClaim' in redis)) redis.defineCommand('wechatClaim', { numberOfKeys: 2, lua: CLAIM });
    this.redis = redis as ClaimingRedis;
    this.timeoutMs = settings.guardTimeoutMs;
  }

  /** Remembers a nonce only (GET verification). */
  async rememberNonce(timestamp: string, nonce: string, ttlMs: number): Promise<boolean> {
    const key = this.nonceKey(timestamp, nonce);
    const result = await this.bounded('nonce', () => this.redis.wechatClaim(key, key, ttlMs, 0, PENDING, ''));
    return result[0] !== 'replayed-nonce';
  }

  /**
   * Remembers the nonce (with the hash of the body it came with) and claims the callback's de-duplication key
   * in one step; the same nonce with another body is `replayed-nonce`.
   */
  async claim(
    timestamp: string,
    nonce: string,
    bodyHash: string,
    eventId: string,
    nonceTtlMs: number,
    pendingTtlMs: number,
  ): Promise<ClaimResult> {
    const [kind, seen] = await this.bounded('claim', () =>
      this.redis.wechatClaim(
        this.nonceKey(timestamp, nonce),
        this.dedupKey(eventId),
        nonceTtlMs,
        pendingTtlMs,
        PENDING,
        bodyHash,
      ),
    );
    if (kind === 'replayed-nonce') return { kind };
    if (kind === 'claimed') return { kind };
    if (seen.startsWith(ANSWERED)) return { kind: 'answered', body: seen.slice(ANSWERED.length) };
    return { kind: 'in-flight' };
  }

  /** The reply stored for a callback, or null while it is still in flight (or unknown). */
  async storedReply(eventId: string): Promise<string | null> {
    const seen = await this.bounded('read-reply', () => this.redis.get(this.dedupKey(eventId)));
    return seen?.startsWith(ANSWERED) ? seen.slice(ANSWERED.length) : null;
  }

  /** Stores the reply a callback got, so WeChat's retries get the very same one. */
  async storeReply(eventId: string, body: string, ttlSeconds: number): Promise<void> {
    await this.bounded('store-reply', () =>
      this.redis.set(this.dedupKey(eventId), ANSWERED + body, 'EX', ttlSeconds),
    );
  }

  /** Forgets a claim whose processing failed, so WeChat's retry is processed afresh. */
  async release(eventId: string): Promise<void> {
    await this.bounded('release', () => this.redis.del(this.dedupKey(eventId)));
  }

  // A replay must repeat the signed timestamp and nonce together; keying on both keeps WeChat's short
  // numeric nonces from colliding across different seconds.
  private nonceKey(timestamp: string, nonce: string): string {
    return `wechat:nonce:${timestamp}:${nonce}`;
  }

  private dedupKey(eventId: string): string {
    return `wechat:callback:${eventId}`;
  }

  private async bounded<T>(operation: string, work: () => Promise<T>): Promise<T> {
    // While Redis is away, fail at once instead of queueing the command for later.
    if (this.redis.status !== 'ready') {
      throw new GuardStoreUnavailableError(operation, `redis is ${this.redis.status}`);
    }
    try {
      return await this.inTime(operation, work());
    } catch (e) {
      if (e instanceof GuardStoreUnavailableError) throw e;
      throw new GuardStoreUnavailableError(operation, e instanceof Error ? e.message : String(e));
    }
  }

  /** The answer, unless the timeout and then one more turn of I/O pass first. */
  private async inTime<T>(operation: string, answer: Promise<T>): Promise<T> {
    const late = () => new GuardStoreUnavailableError(operation, `no answer within ${this.timeoutMs} ms`);
    try {
      return await withTimeout(answer, this.timeoutMs, { reject: late });
    } catch (e) {
      if (!(e instanceof GuardStoreUnavailableError)) throw e;
      // After a stalled event loop the timer fires before the reply already waiting in the socket is read:
      // give I/O one more turn (a zero timer set now runs after the next poll phase) before calling it late.
      return await withTimeout(answer, 0, { reject: late });
    }
  }
}
