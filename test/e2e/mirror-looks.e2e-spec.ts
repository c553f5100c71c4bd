import { writeFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Events, MirrorSubjects, mirrorDisplay, type Gesture } from '@mirror/contracts';
import type { ManagedProcess } from '@mirror/demo';
import { MirrorSimulator, ScreenServer, personFrame } from '@mirror/mirror-sim';
import { NatsClient } from '@mirror/nats';
import {
  createTestDatabase,
  freePort,
  deleteNamespaceStreams,
  mirrorNatsAuth,
  serviceNatsEnv,
  testEnv,
  testLogger,
  testNatsAuth,
  uniqueName,
} from '@mirror/testing';
import { startSandbox, type WeChatSandbox } from '@mirror/wechat-sandbox';
import type { Browser, Page } from 'playwright-core';
import { ulid } from 'ulid';
import { artifact, launchBrowser } from './browser';
import { serviceProcess } from './service-process';

const MIRROR = 'looks-e2e-1';

/**
 * The reference mirror screen driven by the real chain: commands as session-vision publishes them →
 * binding's looks (its own process: Redis, Postgres) → `mirror.<id>.looks` and `take-photo` → mirror-sim (a mirror's own
 * credential) shoots → photo-store stores (the local S3 server) → binding → the screen, in Chromium at
 * 1080×1920.
 */
describe('mirror screen: looks', () => {
  const ns = uniqueName('lk');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: WeChatSandbox;
  const services: ManagedProcess[] = [];
  let bus: NatsClient;
  let mirrorBus: NatsClient;
  let mirror: MirrorSimulator;
  let screen: ScreenServer;
  let browser: Browser;
  let page: Page;
  const sessionId = ulid();
  const latencies: { gesture: Gesture; ms: number }[] = [];
  let at = Date.now();

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startSandbox({ port: 0, token: 'looks', callbackUrl: 'http://127.0.0.1:9/wechat' });
    const [photoStoreCreds, bindingCreds] = [
      await serviceNatsEnv('photo-store', ns),
      await serviceNatsEnv('binding', ns),
    ];
    const common = {
      PATH: process.env.PATH,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: ns,
    };
    const photoStorePort = await freePort();
    const bindingPort = await freePort();
    services.push(
      serviceProcess('mirror-looks', 'photo-store', photoStorePort, {
        ...common,
        ...photoStoreCreds,
        S3_ENDPOINT: testEnv.s3Endpoint(),
        S3_ACCESS_KEY: process.env.S3_ACCESS_KEY,
        S3_SECRET_KEY: process.env.S3_SECRET_KEY,
        S3_BUCKET: `${ns}-photos`,
      }),
      serviceProcess('mirror-looks', 'binding', bindingPort, {
        ...common,
        ...bindingCreds,
        REDIS_URL: testEnv.redisUrl(),
        REDIS_KEY_PREFIX: `${ns}:`,
        DATABASE_URL: db.url,
        WECHAT_APP_ID: sandbox.appId,
        WECHAT_APP_SECRET: sandbox.appSecret,
        WECHAT_API_BASE: sandbox.url,
        WECHAT_MP_BASE: sandbox.url,
        WECHAT_OPEN_BASE: sandbox.url,
        PUBLIC_BASE_URL: 'https://mirror.example.com',
        OAUTH_STATE_SECRET: 'state-secret-for-tests-0123456789',
        COOKIE_SECRET: 'cookie-secret-for-tests-0123456789',
        LOOKS_COUNTDOWN_SECONDS: '2',
      }),
    );
    for (const p of services) p.start();
    await Promise.all(services.map((p) => p.waitReady(90_000)));
    bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'looks-e2e',
      namespace: ns,
      logger: testLogger(),
    });
    mirrorBus = await NatsClient.connect({
      ...(await mirrorNatsAuth(MIRROR, ns)),
      servers: testEnv.natsUrl(),
      name: `mirror-${MIRROR}`,
      namespace: ns,
      logger: testLogger(),
    });
    mirror = new MirrorSimulator(mirrorBus, {
      mirrorId: MIRROR,
      fps: 2,
      loop: true,
      autoPhotoAfterSeconds: 0,
    });
    screen = new ScreenServer(mirror);
    const url = await screen.listen(0);
    // a person moving, so no two photos are the same bytes (photo-store keeps one copy of identical photos)
    const positions = Array.from({ length: 13 }, (_, i) => 120 + i * 20);
    mirror.start(
      await Promise.all(
        positions.map(async (x) => ({ jpeg: await personFrame(x), label: `person at ${x}` })),
      ),
    );
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(url);
    await page.getByTestId('idle').waitFor({ state: 'visible' });
  }, 120_000);

  afterAll(async () => {
    writeFileSync(artifact('mirror-looks-latency.json'), JSON.stringify(latencies, null, 2));
    await browser?.close();
    await mirror?.stop();
    await screen?.close();
    for (const p of services.reverse()) await p.stop().catch(() => undefined);
    await mirrorBus?.drain().catch(() => undefined);
    await bus?.drain().catch(() => undefined);
    await sandbox?.close();
    await deleteNamespaceStreams(ns).catch(() => undefined);
    await db?.drop();
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);

  /** A command as session-vision publishes it; resolves once `visible` holds on the page. */
  async function command(gesture: Gesture, visible: string): Promise<void> {
    at += 1000;
    const commandId = `${sessionId}-${at}`;
    const sent = Date.now();
    await bus.publish(
      Events.gestureRecognised,
      { commandId, sessionId, mirrorId: MIRROR, gesture, confidence: 0.9, at: new Date(at).toISOString() },
      { msgID: commandId },
    );
    await page.locator(visible).first().waitFor({ state: 'visible', timeout: 10_000 });
    latencies.push({ gesture, ms: Date.now() - sent });
  }
  const looksOnStrip = (n: number) =>
    page
      .locator('[data-testid=look]')
      .nth(n - 1)
      .waitFor({ state: 'visible', timeout: 20_000 });

  it('counts down, fills the strip, stars the favourite, compares and pauses', async () => {
    await bus.publish(
      Events.sessionStarted,
      { sessionId, mirrorId: MIRROR, at: new Date().toISOString() },
      { msgID: sessionId },
    );
    bus.emit(mirrorDisplay, MirrorSubjects.of('display', MIRROR), {
      kind: 'qr',
      sessionId,
      url: 'http://weixin.qq.com/q/02looksTicket',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    await page.getByTestId('qr-card').waitFor({ state: 'visible' });

    await command('thumbs_up', '[data-testid=countdown]:not([hidden])');
    expect(await page.locator('#countdown span').textContent()).toMatch(/^[12]$/);
    await page.screenshot({ path: artifact('mirror-looks-countdown.png') });
    await looksOnStrip(1);
    await page.locator('[data-testid=strip] img').first().waitFor();
    await command('thumbs_up', '[data-testid=countdown]:not([hidden])');
    await looksOnStrip(2);
    await page.getByTestId('countdown').waitFor({ state: 'hidden' });
    expect(await page.locator('[data-testid=look]').count()).toBe(2);
    // the newest look beside the live view, and the QR code moved aside
    expect(await page.locator('#qr-card.compact').isVisible()).toBe(true);
    const [, second] = await page
      .locator('[data-testid=look]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')!));
    expect(await page.locator('#right').getAttribute('data-photo-id')).toBe(second);
    expect(await page.locator('#left').getAttribute('data-photo-id')).toBe('live');

    await command('victory', '[data-testid=look][data-favourite=true]');
    expect(await page.locator('[data-testid=look][data-favourite=true]').getAttribute('data-photo-id')).toBe(
      second,
    );
    await page.locator('#right [data-testid=star]').waitFor();
    await command('swipe_right', '[data-testid=look][data-current=true]:first-child');
    await command('fist', '[data-testid=stage][data-mode=compare-favourite]');
    expect(await page.locator('#right').getAttribute('data-photo-id')).toBe(second);
    expect(await page.locator('#right [data-testid=star]').isVisible()).toBe(true);
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifact('mirror-looks-compare.png') });

    await command('open_palm', '[data-testid=paused]:not([hidden])');
    await page.screenshot({ path: artifact('mirror-looks-paused.png') });
    await command('thumbs_up', '[data-testid=gesture].show');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('countdown').isHidden()).toBe(true);

    // the page reloads (a reconnect): the same state comes back by itself
    await page.reload();
    await page.locator('[data-testid=stage][data-mode=compare-favourite]').waitFor();
    expect(await page.locator('[data-testid=look]').count()).toBe(2);
    expect(await page.getByTestId('paused').isVisible()).toBe(true);

    latencies.sort((a, b) => a.ms - b.ms);
    // publish → visible through binding, Redis, Postgres, NATS, SSE and Chromium on a shared 2-core machine
    expect(latencies.at(-1)!.ms).toBeLessThan(1500);
  });
});
