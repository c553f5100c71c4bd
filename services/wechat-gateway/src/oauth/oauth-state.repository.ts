import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';

/** Remembers which OAuth states were used, until they expire anyway: each state signs in once. */
@Injectable()
export class OAuthStateRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** True the first time a state's nonce is presented; false for every later use. */
  async consume(nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    // Kept a minute past the expiry so clock skew between replicas cannot reopen it.
    const ttlMs = Math.max(1000, expiresAtMs - nowMs + 60_000);
    return (await this.redis.set(this.key(nonce), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Gives a state back when the sign-in could not be attempted (binding unavailable), so the link works again. */
  async release(nonce: string): Promise<void> {
    await this.redis.del(this.key(nonce));
  }

  private key(nonce: string): string {
    return `oauth:state:${nonce}`;
  }
}
