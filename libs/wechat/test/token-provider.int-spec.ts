import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import Redis, { RedisOptions } from 'ioredis';
import {
  AccessTokenProvider,
  createWeChatApi,
  ManualClock,
  TokenMode,
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApi,
  WeChatApiError,
  WeChatApiOptions,
  WeChatQuotaExceededError,
} from '@mirror/wechat';
// The sandbox is a tool, not a lib: jest maps only @mirror/<lib> names, so it is imported by path.
import { startSandbox, WeChatSandbox } from '../../../tools/wechat-sandbox/src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'integration-secret-0123456789';

describe(AccessTokenProvider.name, () => {
  let sandbox: WeChatSandbox;
  let prefix: string;
  const connections: Redis[] = [];

  function redis(options: RedisOptions = {}, url = REDIS_URL): Redis {
    const connection = new Redis(url, { maxRetriesPerRequest: 1, ...options });
    connections.push(connection);
    return connection;
  }

  /** One "replica": its own Redis connection, client and token provider, sharing the key prefix. */
  function replica(overrides: Partial<WeChatApiOptions> = {}, mode: TokenMode = 'classic'): WeChatApi {
    return createWeChatApi({
      appId: sandbox.appId,
      appSecret: SECRET,
      apiBase: sandbox.url,
      mpBase: sandbox.url,
      openBase: sandbox.url,
      timeoutMs: 2000,
      busyBackoffMs: 20,
      redis: redis(),
      keyPrefix: prefix,
      tokenMode: mode,
      ...overrides,
      token: { pollIntervalMs: 10, ...overrides.token },
    });
  }

  /** Waits until every connection is up, so replicas really race instead of queueing behind connects. */
  const connected = () => Promise.all(connections.map((c) => c.ping()));

  const qr = (api: WeChatApi, i: number) =>
    api.qrCodes.create({ kind: 'QR_STR_SCENE', sceneStr: `scene-${i}`, expireSeconds: 600 });

  beforeEach(async () => {
    prefix = `test:wechat:${randomUUID()}:`;
    sandbox = await startSandbox({ appSecret: SECRET });
  });

  afterEach(async () => {
    await sandbox.close();
    const cleaner = connections.find((c) => c.status === 'ready') ?? redis();
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length) await cleaner.del(...keys);
    await Promise.all(
      connections
        .splice(0)
        .map(async (c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())),
    );
  });

  it('makes exactly one token request for many concurrent callers on a cold cache', async () => {
    sandbox.setLatency('/cgi-bin/token', 200);
    const sut = replica();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => qr(sut, i)));
    expect(results.every((r) => r.ticket.length > 0)).toBe(true);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(300);
  });

  it('lets three replicas on a cold cache share one token request', async () => {
    sandbox.setLatency('/cgi-bin/token', 200);
    const replicas = [replica(), replica(), replica()];
    await connected();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => qr(replicas[i % 3], i)));
    expect(results).toHaveLength(300);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
    expect(replicas.map((r) => r.metrics.get('token_fetches'))).toEqual(expect.arrayContaining([1, 0, 0]));
  });

  it('hands the same token to two replicas', async () => {
    const [a, b] = [replica(), replica()];
    const first = await a.tokens.getAccessToken();
    expect(await b.tokens.getAccessToken()).toBe(first);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
  });

  it('survives a token rotation mid-load with exactly one refresh and no failed call', async () => {
    const replicas = [replica(), replica(), replica()];
    await replicas[0].tokens.getAccessToken();
    sandbox.setLatency('/cgi-bin/qrcode/create', 50);
    const load = Promise.allSettled(Array.from({ length: 300 }, (_, i) => qr(replicas[i % 3], i)));
    setTimeout(() => sandbox.rotateToken(), 20);
    const results = await load;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(sandbox.count('/cgi-bin/qrcode/create', 40001)).toBeGreaterThan(0);
    expect(sandbox.count('/cgi-bin/token')).toBe(2); // the first fetch and exactly one refresh
    expect(sandbox.count('/cgi-bin/qrcode/create', 0)).toBe(300);
  });

  it('invalidates only the token that failed, so a late failure does not trigger a second refresh', async () => {
    const [a, b] = [replica(), replica()];
    const old = await a.tokens.getAccessToken();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    // b's call is in flight with the old token while a meets the rotation and refreshes.
    const late = b.tokens.withAccessToken(async (token) => {
      seen.push(token);
      if (seen.length === 1) {
        await gate;
        throw new WeChatApiError(40001, 'invalid credential', '/cgi-bin/test');
      }
      return token;
    });
    sandbox.rotateToken();
    await qr(a, 1);
    release();
    const fresh = await late;
    expect(seen).toEqual([old, fresh]);
    expect(fresh).not.toBe(old);
    expect(await a.tokens.getAccessToken()).toBe(fresh);
    expect(sandbox.count('/cgi-bin/token')).toBe(2);
  });

  it('refreshes once when the token has expired (42001)', async () => {
    const sut = replica();
    await qr(sut, 1);
    sandbox.expireTokens();
    await expect(qr(sut, 2)).resolves.toHaveProperty('ticket');
    expect(sandbox.count('/cgi-bin/qrcode/create', 42001)).toBe(1);
    expect(sandbox.count('/cgi-bin/token')).toBe(2);
  });

  it('gives up after one retry when the new token is rejected too', async () => {
    const sut = replica();
    await sut.tokens.getAccessToken();
    sandbox.injectFault('/cgi-bin/qrcode/create', 40001, 2);
    await expect(qr(sut, 1)).rejects.toMatchObject({ errcode: 40001 });
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(2);
  });

  it('reports 45009 as a typed error without retrying, and counts it', async () => {
    const sut = replica();
    sandbox.setQuota('/cgi-bin/qrcode/create', 0);
    await expect(qr(sut, 1)).rejects.toBeInstanceOf(WeChatQuotaExceededError);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(1);
    expect(sut.metrics.get('quota_exceeded', { endpoint: '/cgi-bin/qrcode/create' })).toBe(1);
  });

  it('gives every waiter the 45009 of the token endpoint without calling WeChat again', async () => {
    sandbox.setQuota('/cgi-bin/token', 0);
    sandbox.setLatency('/cgi-bin/token', 100);
    const [a, b] = [replica(), replica()];
    await connected();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).tokens.getAccessToken()),
    );
    expect(
      results.every((r) => r.status === 'rejected' && r.reason instanceof WeChatQuotaExceededError),
    ).toBe(true);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
    await expect(a.tokens.getAccessToken()).rejects.toBeInstanceOf(WeChatQuotaExceededError);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
  });

  it('retries -1 (busy) with backoff', async () => {
    sandbox.injectFault('/cgi-bin/token', -1, 2);
    const sut = replica();
    await expect(sut.tokens.getAccessToken()).resolves.toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sandbox.count('/cgi-bin/token')).toBe(3);
    expect(sut.metrics.get('busy_retries')).toBe(2);
  });

  it('reports a wrong secret (40125) with the code and without the secret', async () => {
    const sut = replica({ appSecret: 'wrong-secret-0123' });
    const error = await sut.tokens.getAccessToken().catch((e: Error) => e);
    expect(error).toMatchObject({ errcode: 40125 });
    expect(String((error as Error).message)).not.toContain('wrong-secret-0123');
  });

  describe('stable mode', () => {
    it('makes one stable_token request on a cold cache', async () => {
      sandbox.setLatency('/cgi-bin/stable_token', 100);
      const replicas = [replica({}, 'stable'), replica({}, 'stable')];
      await connected();
      await Promise.all(Array.from({ length: 100 }, (_, i) => qr(replicas[i % 2], i)));
      expect(sandbox.count('/cgi-bin/stable_token')).toBe(1);
      expect(sandbox.count('/cgi-bin/token')).toBe(0);
    });

    it('forces a refresh when WeChat keeps handing out the token it rejected', async () => {
      const sut = replica({}, 'stable');
      const before = await sut.tokens.getAccessToken();
      sandbox.injectFault('/cgi-bin/qrcode/create', 40001, 1);
      await expect(qr(sut, 1)).resolves.toHaveProperty('ticket');
      expect(await sut.tokens.getAccessToken()).not.toBe(before);
      expect(sandbox.count('/cgi-bin/stable_token')).toBe(3); // cold, non-forced (same token), forced
    });
  });

  it('forces a stable refresh when WeChat keeps handing out a token about to expire', async () => {
    const clock = new ManualClock(Date.now());
    await sandbox.close();
    sandbox = await startSandbox({ appSecret: SECRET, clock });
    const sut = replica({ clock }, 'stable');
    const first = await sut.tokens.getAccessToken();
    clock.advance(7200_000 - 30_000); // 30 s left: too little to hand out
    const second = await sut.tokens.getAccessToken();
    expect(second).not.toBe(first);
    expect(sandbox.count('/cgi-bin/stable_token')).toBe(3); // cold, non-forced (same, nearly expired), forced
    expect(await sut.tokens.getAccessToken()).toBe(second);
    expect(sandbox.count('/cgi-bin/stable_token')).toBe(3);
  });

  describe('refresh ahead of expiry', () => {
    it('keeps serving the current token while exactly one process refreshes it in the background', async () => {
      const clock = new ManualClock(Date.now());
      await sandbox.close();
      sandbox = await startSandbox({ appSecret: SECRET, clock });
      const [a, b] = [replica({ clock }), replica({ clock })];
      const first = await a.tokens.getAccessToken();
      clock.advance(7200_000 - 240_000); // 4 minutes left: inside the 5-minute refresh-ahead window
      const during = await Promise.all([a.tokens.getAccessToken(), b.tokens.getAccessToken()]);
      expect(during).toEqual([first, first]);
      await waitFor(() => sandbox.count('/cgi-bin/token') === 2);
      clock.advance(1_000); // past the window in which a token just read from Redis is reused from memory
      await waitFor(async () => (await b.tokens.getAccessToken()) !== first);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sandbox.count('/cgi-bin/token')).toBe(2);
    });
  });

  describe('when Redis misbehaves', () => {
    let blackHole: Server;
    const sockets: Socket[] = [];

    beforeEach(async () => {
      blackHole = createServer((socket) => void sockets.push(socket)); // accepts and never answers
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    });

    afterEach(async () => {
      sockets.splice(0).forEach((s) => s.destroy());
      await new Promise((resolve) => blackHole.close(resolve));
    });

    it('fails fast with TokenStoreUnavailableError when Redis does not answer', async () => {
      const port = (blackHole.address() as { port: number }).port;
      const sut = replica({
        redis: redis({ lazyConnect: true, maxRetriesPerRequest: 0 }, `redis://127.0.0.1:${port}`),
        token: { redisTimeoutMs: 200 },
      });
      const started = Date.now();
      await expect(sut.tokens.getAccessToken()).rejects.toBeInstanceOf(TokenStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(sandbox.count('/cgi-bin/token')).toBe(0);
    });

    it('keeps using a still-valid token it already holds while Redis is away', async () => {
      const connection = redis({ enableOfflineQueue: false, retryStrategy: () => null });
      await new Promise((resolve) => connection.once('ready', resolve));
      const sut = replica({ redis: connection });
      const token = await sut.tokens.getAccessToken();
      await connection.quit();
      await expect(sut.tokens.getAccessToken()).resolves.toBe(token);
      expect(sut.metrics.get('token_store_fallbacks')).toBe(1);
    });

    it('takes over when the process holding the lock died', async () => {
      const lockKey = `${prefix}wechat:{access-token:${sandbox.appId}:classic}:lock`;
      await redis().set(lockKey, 'dead-process', 'PX', 300);
      const sut = replica();
      await expect(
        Promise.all([sut.tokens.getAccessToken(), sut.tokens.getAccessToken()]),
      ).resolves.toHaveLength(2);
      expect(sandbox.count('/cgi-bin/token')).toBe(1);
    });

    it('stops waiting for a refresh that never finishes', async () => {
      const lockKey = `${prefix}wechat:{access-token:${sandbox.appId}:classic}:lock`;
      await redis().set(lockKey, 'stuck-process', 'PX', 60_000);
      const sut = replica({ token: { waitTimeoutMs: 200 } });
      await expect(sut.tokens.getAccessToken()).rejects.toBeInstanceOf(TokenRefreshTimeoutError);
      expect(sandbox.count('/cgi-bin/token')).toBe(0);
    });
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
