import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import { QrStoreUnavailableError } from './qr.errors';

/** A session's QR code as issued once and handed out again on every redelivery. */
export interface SessionQr {
  sessionId: string;
  mirrorId: string;
  scene: string;
  ticket: string;
  /** What the QR image encodes. */
  url: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

// SET NX, then answer whatever is stored: ours when we were first, the earlier writer's otherwise.
const SET_IF_ABSENT_THEN_GET = `
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return redis.call('GET', KEYS[1])`;

const sceneKey = (sessionId: string) => `qr:scene:${sessionId}`;
const sessionKey = (sessionId: string) => `qr:session:${sessionId}`;

/**
 * Redis: sessionId → scene and sessionId → issued QR code, each written once (SET NX), so every
 * replica and every redelivery of `session.started` agrees on one scene and one ticket. Key prefix:
 * the client's (REDIS_KEY_PREFIX).
 */
@Injectable()
export class SessionQrRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** The session's issued code, or null when none was stored (or it was forgotten after expiry). */
  async find(sessionId: string): Promise<SessionQr | null> {
    const raw = await this.run('find', () => this.redis.get(sessionKey(sessionId)));
    return raw ? (JSON.parse(raw) as SessionQr) : null;
  }

  /** Stores `candidate` as the session's scene unless one is stored already; returns the stored one. */
  async reserveScene(sessionId: string, candidate: string, ttlMs: number): Promise<string> {
    return this.setIfAbsent('reserveScene', sceneKey(sessionId), candidate, ttlMs);
  }

  /** Stores the issued QR code unless one is stored already; returns the stored one (the first writer's). */
  async saveIfAbsent(record: SessionQr, ttlMs: number): Promise<SessionQr> {
    const raw = await this.setIfAbsent('save', sessionKey(record.sessionId), JSON.stringify(record), ttlMs);
    return JSON.parse(raw) as SessionQr;
  }

  private async setIfAbsent(operation: string, key: string, value: string, ttlMs: number): Promise<string> {
    const stored = await this.run(
      operation,
      () =>
        this.redis.eval(SET_IF_ABSENT_THEN_GET, 1, key, value, String(Math.ceil(ttlMs))) as Promise<string>,
    );
    if (typeof stored !== 'string') {
      throw new QrStoreUnavailableError(operation, 'the key vanished right after it was written');
    }
    return stored;
  }

  /** Every Redis failure (timeout, connection lost) becomes one typed error that says what it means. */
  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new QrStoreUnavailableError(operation, error);
    }
  }
}
