import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import type { StaffSession } from './staff-session';

// the cookie holds the token; Redis only its hash, so a copy of Redis signs nobody in
const key = (token: string) => `console:session:${createHash('sha256').update(token).digest('hex')}`;

/** Staff sessions in Redis, expiring after a period without activity. */
@Injectable()
export class SessionRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async save(token: string, session: StaffSession, ttlSeconds: number): Promise<void> {
    await this.redis.set(key(token), JSON.stringify(session), 'EX', ttlSeconds);
  }

  /** The session, its lifetime renewed; null when unknown or expired. */
  async touch(token: string, ttlSeconds: number): Promise<StaffSession | null> {
    const [[, value]] = (await this.redis.multi().get(key(token)).expire(key(token), ttlSeconds).exec()) as [
      [Error | null, string | null],
      unknown,
    ];
    return value ? (JSON.parse(value) as StaffSession) : null;
  }

  async remove(token: string): Promise<void> {
    await this.redis.del(key(token));
  }
}
