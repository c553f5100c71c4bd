import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';

const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Failed sign-ins per key (an account, a client address) in a fixed window, shared by every replica. */
@Injectable()
export class LoginLimiterRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async failures(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys.map((k) => `console:login:${k}`));
    return values.map((v) => Number(v ?? 0));
  }

  async fail(keys: string[], windowSeconds: number): Promise<void> {
    for (const k of keys) await this.redis.eval(COUNT, 1, `console:login:${k}`, windowSeconds);
  }

  /** Seconds until the window of `key` ends. */
  async retryAfter(keys: string[]): Promise<number> {
    const ttls = await Promise.all(keys.map((k) => this.redis.ttl(`console:login:${k}`)));
    return Math.max(1, ...ttls);
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(`console:login:${key}`);
  }
}
