import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import { QrStoreUnavailableError } from './qr.errors';

/** A permanent code as issued once and handed out on every later request. */
export interface PermanentQr {
  kind: 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE';
  /** The scene as text (`scene_id` written out for QR_LIMIT_SCENE). */
  scene: string;
  ticket: string;
  /** What the QR image encodes. */
  url: string;
  /** Epoch milliseconds. */
  issuedAt: number;
}

// SET NX without expiry, then answer whatever is stored: ours when we were first, the earlier writer's otherwise.
const SET_IF_ABSENT_THEN_GET = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`;

const key = (kind: PermanentQr['kind'], scene: string) => `qr:permanent:${kind}:${scene}`;

/**
 * Redis: (kind, scene) → the permanent code issued for it, written once (SET NX) and never expiring, so every
 * replica hands out the same ticket. Key prefix: the client's (REDIS_KEY_PREFIX). Losing a key costs one more
 * WeChat call for a new ticket of the same scene; codes already printed keep working, as the scene is what a
 * scan carries.
 */
@Injectable()
export class PermanentQrRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** The code stored for the scene, or null. */
  async find(kind: PermanentQr['kind'], scene: string): Promise<PermanentQr | null> {
    const raw = await this.run('find', () => this.redis.get(key(kind, scene)));
    return raw ? (JSON.parse(raw) as PermanentQr) : null;
  }

  /** Stores the code unless one is stored for its scene already; returns the stored one (the first writer's). */
  async saveIfAbsent(record: PermanentQr): Promise<PermanentQr> {
    const stored = await this.run(
      'save',
      () =>
        this.redis.eval(
          SET_IF_ABSENT_THEN_GET,
          1,
          key(record.kind, record.scene),
          JSON.stringify(record),
        ) as Promise<string | null>,
    );
    if (typeof stored !== 'string') {
      throw new QrStoreUnavailableError('save', 'the key vanished right after it was written');
    }
    return JSON.parse(stored) as PermanentQr;
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new QrStoreUnavailableError(operation, error);
    }
  }
}
