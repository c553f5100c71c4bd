import { testEnv, uniqueName } from '@mirror/testing';
import Redis from 'ioredis';
import { CallbackGuardRepository } from '../src/callback/callback-guard.repository';
import { callbackSettings } from '../src/callback/callback.settings';
import { GuardStoreUnavailableError } from '../src/callback/callback.errors';
import type { AppConfig } from '../src/config';

/** Blocks the event loop, as a burst of CPU work or a long GC pause does. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe(CallbackGuardRepository.name, () => {
  let redis: Redis;
  let sut: CallbackGuardRepository;

  beforeAll(async () => {
    redis = new Redis(testEnv.redisUrl(), { keyPrefix: `${uniqueName('gw-guard')}:` });
    await redis.ping();
    sut = new CallbackGuardRepository(redis, callbackSettings({ WECHAT_GUARD_TIMEOUT_MS: 100 } as AppConfig));
  });
  afterAll(() => redis?.disconnect());

  it('does not call a reply that reached the socket during a stalled event loop late', async () => {
    for (let i = 0; i < 3; i++) {
      const reply = sut.storedReply(`stalled-${i}`);
      stall(300);
      await expect(reply).resolves.toBeNull();
    }
  });

  it('fails at once, without queueing, while Redis is disconnected', async () => {
    const away = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const offline = new CallbackGuardRepository(away, callbackSettings({} as AppConfig));
    await expect(offline.storedReply('x')).rejects.toBeInstanceOf(GuardStoreUnavailableError);
    away.disconnect();
  });
});
