import { MirrorSubjects, mirrorDisplay, mirrorGesture } from '@mirror/contracts';
import { MirrorSimulator, ScreenServer, emptyFrame } from '@mirror/mirror-sim';
import { NatsClient } from '@mirror/nats';
import { testEnv, testLogger, uniqueName, testNatsAuth } from '@mirror/testing';
import type { Browser, Page } from 'playwright-core';
import { ulid } from 'ulid';
import { artifact, launchBrowser } from './browser';

describe('mirror screen page', () => {
  const mirrorId = 'screen-e2e-1';
  let nats: NatsClient;
  let mirror: MirrorSimulator;
  let screen: ScreenServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    nats = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'screen-e2e',
      namespace: uniqueName('scr'),
      logger: testLogger(),
    });
    mirror = new MirrorSimulator(nats, { mirrorId, fps: 5, loop: true, autoPhotoAfterSeconds: 0 });
    screen = new ScreenServer(mirror);
    const url = await screen.listen(0);
    mirror.start([{ jpeg: await emptyFrame(), label: 'empty' }]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(url);
  });
  afterAll(async () => {
    await browser?.close();
    await mirror.stop();
    await screen.close();
    await nats.drain();
  });

  it('invites the customer in while nobody is there', async () => {
    await page.getByTestId('status').filter({ hasText: '等待顾客' }).waitFor();
    expect(await page.getByTestId('idle').isVisible()).toBe(true);
    expect(await page.getByTestId('qr-card').isVisible()).toBe(false);
  });

  it('shows the session QR code large, with its expiry, as soon as it is issued', async () => {
    const sessionId = ulid();
    nats.emit(mirrorDisplay, MirrorSubjects.of('display', mirrorId), {
      kind: 'qr',
      sessionId,
      url: 'http://weixin.qq.com/q/02demoTicket',
      expiresAt: new Date(Date.now() + 2 * 3600_000 + 60_000).toISOString(),
    });
    await page.getByTestId('qr-card').waitFor({ state: 'visible' });
    const qr = page.locator('[data-testid=qr] svg');
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(600);
    expect(await page.getByTestId('expiry').textContent()).toMatch(/二维码有效期 2 小时 \d+ 分钟/);

    nats.emit(mirrorGesture, MirrorSubjects.of('gesture', mirrorId), {
      sessionId,
      mirrorId,
      gesture: 'swipe_left',
      confidence: 0.92,
      at: new Date().toISOString(),
    });
    await page.locator('[data-testid=gesture][data-gesture=swipe_left].show').waitFor();
    expect(await page.getByTestId('gesture').textContent()).toContain('下一套');
    await page.waitForTimeout(300); // let the feedback finish its fade-in
    await page.screenshot({ path: artifact('mirror-screen.png') });
  });

  it('goes back to the welcome screen when the session ends', async () => {
    nats.emit(mirrorDisplay, MirrorSubjects.of('display', mirrorId), { kind: 'idle' });
    await page.getByTestId('idle').waitFor({ state: 'visible' });
    expect(await page.getByTestId('qr-card').isVisible()).toBe(false);
  });
});
