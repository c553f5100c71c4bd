import { createServer as createHttpServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { Requests, ReplyCodes, type GalleryGetResponse } from '@mirror/contracts';
import { ManagedProcess } from '@mirror/demo';
import { NatsClient, RefusalError } from '@mirror/nats';
import { freePort, serviceNatsEnv, testEnv, testLogger, testNatsAuth, uniqueName } from '@mirror/testing';
import { CUSTOMER_COOKIE, signCookie } from '@mirror/web-auth';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { artifact, launchBrowser } from './browser';

const ROOT = resolve(__dirname, '..', '..');
const COOKIE_SECRET = 'cookie-secret-for-tests-0123456789';
const ALICE = 'oAlicePhotoPage000000001';
const COLOURS = ['#c0392b', '#2980b9', '#27ae60'];

/**
 * The customer's photo page in a phone-sized Chromium: the gateway as its own process (from its sources),
 * binding's side of `binding.gallery.get` / `binding.photo.favourite` / `binding.photo.delete` answered on
 * the bus by this test (binding's own handling is tested in binding), pictures from a local server.
 */
describe('photo page: favourites and compare', () => {
  const ns = uniqueName('pp');
  let gateway: ManagedProcess;
  let gatewayUrl: string;
  let images: Server;
  let bus: NatsClient;
  let browser: Browser;
  let page: Page;
  const favouriteCalls: { photoId: string; favourite: boolean }[] = [];
  const sessionId = ulid();
  const t0 = Date.parse('2026-11-29T10:00:00Z');
  // three looks of one visit; the second is the favourite
  const photos = [0, 1, 2].map((i) => ({
    photoId: `look-${i + 1}-${ulid()}`,
    takenAt: new Date(t0 + i * 60_000).toISOString(),
    favourite: i === 1,
  }));

  beforeAll(async () => {
    const imagePort = await freePort();
    images = createHttpServer(async (req, res) => {
      const i = Number(/\/(\d)\.jpg/.exec(req.url ?? '')?.[1] ?? -1);
      if (!(i >= 0 && i < COLOURS.length)) return void res.writeHead(404).end();
      const jpeg = await sharp({ create: { width: 300, height: 400, channels: 3, background: COLOURS[i] } })
        .jpeg()
        .toBuffer();
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    });
    await new Promise<void>((ok) => images.listen(imagePort, '127.0.0.1', ok));
    const url = (i: number) => `http://127.0.0.1:${imagePort}/${i}.jpg`;

    bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'photo-page-e2e',
      namespace: ns,
      logger: testLogger(),
    });
    bus.serve(Requests.galleryGet, async (request): Promise<GalleryGetResponse> => {
      if (request.openid !== ALICE) return { openid: request.openid, sessions: [] };
      return {
        openid: ALICE,
        sessions: [
          {
            sessionId,
            mirrorId: 'shop-1-mirror-2',
            startedAt: new Date(t0 - 60_000).toISOString(),
            // newest first, as binding lists them: the page puts them in order
            photos: photos.map((p, i) => ({ ...p, thumbUrl: url(i), displayUrl: url(i) })).reverse(),
          },
        ],
      };
    });
    bus.serve(Requests.bindingPhotoFavourite, async (request) => {
      const photo = photos.find((p) => p.photoId === request.photoId);
      if (!photo || request.openid !== ALICE)
        throw new RefusalError(ReplyCodes.notFound, 'No such photo in your gallery.', 'photoId');
      favouriteCalls.push({ photoId: request.photoId, favourite: request.favourite });
      photo.favourite = request.favourite;
      return { favourite: request.favourite };
    });
    await bus.nc.flush();

    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = new ManagedProcess({
      name: 'wechat-gateway',
      command: process.execPath,
      args: ['-r', './scripts/register-ts.js', 'services/wechat-gateway/src/main.ts'],
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
        NATS_URL: testEnv.natsUrl(),
        NATS_NAMESPACE: ns,
        ...(await serviceNatsEnv('wechat-gateway', ns)),
        REDIS_URL: testEnv.redisUrl(),
        REDIS_KEY_PREFIX: `${ns}:`,
        WECHAT_APP_ID: 'wxphotopage000001',
        WECHAT_TOKEN: 'photopage',
        PUBLIC_BASE_URL: gatewayUrl,
        OAUTH_STATE_SECRET: 'oauth-state-secret-for-tests',
        COOKIE_SECRET,
      },
      readyUrl: `${gatewayUrl}/readyz`,
      logFile: artifact('photo-page-gateway.log'),
      cwd: ROOT,
    });
    gateway.start();
    await gateway.waitReady(90_000);

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const value = signCookie({ subject: ALICE, ttlSeconds: 3600, secret: COOKIE_SECRET });
    await context.addCookies([{ name: CUSTOMER_COOKIE, value, url: gatewayUrl }]);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await bus?.drain().catch(() => undefined);
    await new Promise((ok) => (images ? images.close(ok) : ok(undefined)));
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);

  const order = () =>
    page
      .locator('figure[data-photo]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-look'), e.getAttribute('data-favourite')]));

  it('shows the visit in order with the favourite first and starred', async () => {
    await page.goto(`${gatewayUrl}/me`);
    await page.locator('figure[data-photo] img').first().waitFor();
    expect(await order()).toEqual([
      ['2', 'true'],
      ['1', 'false'],
      ['3', 'false'],
    ]);
    expect(await page.locator('figure[data-favourite=true] .star').isVisible()).toBe(true);
    expect(await page.locator('figure[data-favourite=false] .star').first().isVisible()).toBe(false);
    expect(await page.locator('section h2').textContent()).toContain('3 套，收藏 1 套');
    await page.screenshot({ path: artifact('photo-page-favourites.png') });
  });

  it('favourites a look from its big view: the star, the order and binding follow', async () => {
    await page.locator('figure[data-look="3"]').click();
    await page.locator('#viewer[open]').waitFor();
    expect(await page.locator('#viewer-favourite').textContent()).toBe('☆ 收藏');
    await page.locator('#viewer-favourite').click();
    await page.locator('#viewer-favourite', { hasText: '★ 已收藏' }).waitFor();
    expect(favouriteCalls).toEqual([{ photoId: photos[2].photoId, favourite: true }]);
    await page.locator('#viewer-close').click();
    expect(await order()).toEqual([
      ['2', 'true'],
      ['3', 'true'],
      ['1', 'false'],
    ]);
    await page.reload();
    await page.locator('figure[data-photo] img').first().waitFor();
    expect((await order()).map(([look]) => look)).toEqual(['2', '3', '1']);
  });

  it('compares two looks side by side', async () => {
    await page.locator('section h2 [data-compare]').click();
    await page.locator('figure[data-look="1"]').click();
    await page.locator('figure[data-look="2"]').click();
    await page.locator('#compare[open]').waitFor();
    const [a, b] = await Promise.all(
      ['#compare-a', '#compare-b'].map((id) => page.locator(id).boundingBox()),
    );
    // side by side: the same row, one left of the other, each about half the width
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(a!.x + a!.width).toBeLessThanOrEqual(b!.x + 1);
    expect(a!.width).toBeGreaterThan(150);
    expect(await page.locator('#compare-a').getAttribute('data-photo')).toBe(photos[0].photoId);
    expect(await page.locator('#compare-b-label').textContent()).toBe('第 2 套 ★');
    // both pictures loaded (a string: the page's own DOM, not this file's types)
    await page.waitForFunction(
      "['compare-a', 'compare-b'].every((id) => document.getElementById(id).naturalWidth > 0)",
    );
    await page.screenshot({ path: artifact('photo-page-compare.png') });
    await page.locator('#compare-close').click();
  });

  it('keeps delete behind a confirmation', async () => {
    await page.locator('figure[data-look="1"]').click();
    await page.locator('#viewer[open]').waitFor();
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('#viewer-delete').click();
    expect(await page.locator('figure[data-photo]').count()).toBe(3);
  });
});
