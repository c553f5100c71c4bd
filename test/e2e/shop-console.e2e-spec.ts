import type { INestApplication } from '@nestjs/common';
import { ulid } from 'ulid';
import { Events, MirrorSubjects, Requests, mirrorControl, mirrorStatus } from '@mirror/contracts';
import { bootstrapService } from '@mirror/platform';
import { serviceNatsEnv, testEnv, waitFor } from '@mirror/testing';
import { BindingHarness } from '@mirror/svc-binding/test/support/binding-harness';
import { confirmAs } from '@mirror/svc-binding/test/support/confirm';
import { caughtUp } from '@mirror/svc-binding/test/support/state';
import { loadAppConfig } from '@mirror/svc-shop-console/src/config';
import { runConsoleCommand } from '@mirror/svc-shop-console/src/console';
import { shopConsoleService } from '@mirror/svc-shop-console/src/main';
import type { Browser, Page } from 'playwright-core';
import { artifact, launchBrowser } from './browser';

const SHANGHAI_MS = 8 * 3600_000;
const today = () => new Date(Date.now() + SHANGHAI_MS).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();
const PASSWORD = 'correct horse battery';
const user = (n: number) => `oConsoleUser000000000000${n}`;

/** The figures of the scripted visit below, counted by hand, as the funnel table shows them. */
const STORE_A = {
  sessionsStarted: '3',
  sessionsWithQr: '3',
  scansSession: '2',
  scansPermanent: '0',
  newFollowers: '1',
  claims: '2',
  confirmations: '1',
  photosTaken: '2',
  sessionLengthP50Seconds: '90 秒',
  qrToScanP50Seconds: '8 秒',
  qrToScanP90Seconds: '20 秒',
};
const CHAIN = {
  ...STORE_A,
  sessionsStarted: '4',
  sessionsWithQr: '4',
  scansSession: '3',
  newFollowers: '2',
  claims: '3',
  qrToScanP50Seconds: '8 秒',
};

describe('shop console (staff web console)', () => {
  let h: BindingHarness;
  let app: INestApplication;
  let base: string;
  let browser: Browser;

  const signIn = async (username: string, password = PASSWORD): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1180, height: 820 } }); // a 10" tablet, landscape
    await page.goto(`${base}/mirrors`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  };
  const figures = async (page: Page, table: string) =>
    Object.fromEntries(
      await page
        .locator(`#${table} [data-metric]`)
        .evaluateAll((cells) => cells.map((c) => [c.getAttribute('data-metric'), c.textContent])),
    ) as Record<string, string>;

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start({ STATS_REFRESH_INTERVAL_MS: 3600_000 });
    const env = h.env();
    await h.rows(`INSERT INTO stores (id, name) VALUES ('store-a', '静安店'), ('store-b', '徐汇店')`);
    await h.rows(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id) VALUES
        ('ca-1', now(), now(), 'store-a'), ('ca-2', now(), now(), 'store-a'), ('cb-1', now(), now(), 'store-b')`,
    );
    const accounts: [string, string[]][] = [
      ['op', ['--role', 'operator']],
      ['mgr-a', ['--role', 'manager', '--store', 'store-a']],
    ];
    for (const [name, args] of accounts) {
      const code = await runConsoleCommand(['user', 'add', name, ...args], {
        DATABASE_URL: env.DATABASE_URL,
        CONSOLE_PASSWORD: PASSWORD,
      });
      expect(code).toBe(0);
    }
    const consoleEnv = {
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: h.ns,
      ...(await serviceNatsEnv('shop-console', h.ns)),
      REDIS_URL: testEnv.redisUrl(),
      REDIS_KEY_PREFIX: `${h.ns}:`,
      DATABASE_URL: env.DATABASE_URL,
      CONSOLE_COOKIE_SECURE: 'false',
      CONSOLE_LOGIN_MAX_FAILURES: '3',
      MIRROR_CODE_BASE_URL: 'http://qr.example.com',
      MIRROR_CODE_SIGNING_SECRET: 'print-links-secret-0123456789',
    };
    app = await bootstrapService({ ...shopConsoleService, loadConfig: () => loadAppConfig(consoleEnv) });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
    await scriptedVisit(h);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await h?.close();
  });

  it('lets a store manager see their own store only, by page and by API', async () => {
    const page = await signIn('mgr-a');
    await page.waitForURL(/\/mirrors$/);
    const mirrors = await page
      .locator('#mirrors tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mirror')));
    expect(mirrors).toEqual(['ca-1', 'ca-2']);
    expect(await page.locator('tr[data-mirror="ca-1"] [data-field="inSession"]').textContent()).toBe('是');
    expect(await page.locator('tr[data-mirror="ca-1"] a[download]').first().getAttribute('href')).toMatch(
      /^http:\/\/qr\.example\.com\/qr\/mirrors\/ca-1\.png\?exp=\d+&sig=[\w-]+$/,
    );
    await page.screenshot({ path: artifact('shop-console-mirrors.png'), fullPage: true });

    // another store's mirror, by URL and by API: refused
    expect((await page.goto(`${base}/mirrors/cb-1`))!.status()).toBe(403);
    expect((await page.goto(`${base}/funnel?store=store-b`))!.status()).toBe(403);
    for (const path of [
      '/api/mirrors/cb-1',
      '/api/stats?store=store-b',
      '/api/mirrors?store=store-b',
      '/api/stats.csv?store=store-b',
    ]) {
      expect([path, (await page.request.get(`${base}${path}`)).status()]).toEqual([path, 403]);
    }
    // without a store named, the API answers for theirs only
    const own = (await (
      await page.request.get(`${base}/api/stats?from=${today()}&to=${today()}&by=mirror`)
    ).json()) as {
      rows: { mirrorId: string }[];
      total: { sessionsStarted: number };
    };
    expect(own.rows.map((r) => r.mirrorId)).toEqual(['ca-1', 'ca-2']);
    expect(own.total.sessionsStarted).toBe(3);

    // the funnel of their store equals the scripted visit's figures
    await page.goto(`${base}/funnel?from=${today()}&to=${today()}`);
    expect(await figures(page, 'total')).toEqual(expect.objectContaining(STORE_A));
    // the charts are drawn by Chart.js, served by the console itself
    expect(await page.evaluate('Boolean(window.Chart && window.Chart.getChart("funnel-chart"))')).toBe(true);
    expect(await page.evaluate('window.Chart.getChart("funnel-chart").data.datasets[0].data')).toEqual([
      3, 3, 2, 2, 1,
    ]);
    await page.screenshot({ path: artifact('shop-console-funnel-store.png'), fullPage: true });
    await page.close();
  });

  it('shows a mirror live: online from the frames session-vision acknowledges, updating by itself', async () => {
    const page = await signIn('mgr-a');
    // what the mirror says of itself: its software version is shown as reported
    h.bus.emit(mirrorStatus, MirrorSubjects.of('status', 'ca-2'), {
      version: 'acme-mirror 2.4.1',
      fps: 2,
      startedAt: new Date().toISOString(),
    });
    await waitFor(async () => {
      await page.goto(`${base}/mirrors/ca-2`);
      return (await page.content()).includes('版本：acme-mirror 2.4.1');
    }, 10_000);
    expect(await page.locator('#live [data-field="online"]').textContent()).toBe('离线');
    expect(await figures(page, 'today')).toEqual(
      expect.objectContaining({ sessionsStarted: '1', claims: '1', qrToScanP50Seconds: '20 秒' }),
    );
    const beat = () =>
      h.bus.emit(mirrorControl, MirrorSubjects.of('control', 'ca-2'), {
        kind: 'frame-rate',
        fps: 2,
        reason: 'idle',
      });
    beat();
    const timer = setInterval(beat, 1000);
    try {
      await page
        .locator('#live [data-field="online"]')
        .filter({ hasText: '在线' })
        .waitFor({ timeout: 15_000 });
    } finally {
      clearInterval(timer);
    }
    await page.screenshot({ path: artifact('shop-console-mirror.png'), fullPage: true });
    await page.close();
  });

  it('gives an operator the chain, every store, CSV, and registration behind CSRF protection', async () => {
    const page = await signIn('op');
    await page.goto(`${base}/funnel?from=${today()}&to=${today()}`);
    expect(await figures(page, 'total')).toEqual(expect.objectContaining(CHAIN));
    expect(await page.$$eval('#stores tbody tr td:first-child', (c) => c.map((x) => x.textContent))).toEqual([
      '静安店',
      '徐汇店',
    ]);
    await page.screenshot({ path: artifact('shop-console-funnel-chain.png'), fullPage: true });
    const csv = await (
      await page.request.get(`${base}/api/stats.csv?from=${today()}&to=${today()}&by=store`)
    ).text();
    expect(csv.split('\r\n')[1]).toMatch(/^store-a,3,3,2,0,0,1,0,2,1,2,0,90,8,20$/);

    // a change without the page's CSRF token is refused; the fleet page is the operator's
    // bad input gets a clear answer
    expect((await page.request.get(`${base}/api/mirrors/Not_A_Mirror`)).status()).toBe(404);
    expect((await page.request.get(`${base}/api/mirrors?store=Not%20a%20store`)).status()).toBe(400);
    expect((await page.request.get(`${base}/api/stats?from=2026-03-02&to=2026-03-01`)).status()).toBe(400);
    const forged = await page.request.post(`${base}/fleet/revoke`, { form: { mirrorId: 'ca-1' } });
    expect(forged.status()).toBe(403);
    await page.goto(`${base}/fleet`);
    expect(await page.locator('[role=status]').textContent()).toContain('FLEET_COMMAND');
    await page.close();
  });

  it('says the figures are unavailable, rather than failing, while binding does not answer', async () => {
    const page = await signIn('mgr-a');
    await page.waitForURL(/\/mirrors$/);
    await h.stop(h.apps[0]);
    try {
      expect((await page.goto(`${base}/funnel`))!.status()).toBe(503);
      expect(await page.locator('main').textContent()).toContain('统计服务暂时没有响应');
      expect((await page.request.get(`${base}/api/stats`)).status()).toBe(503);
    } finally {
      await h.start({ STATS_REFRESH_INTERVAL_MS: 3600_000 });
      await page.close();
    }
  });

  it('limits failed sign-ins per account, even with the right password afterwards', async () => {
    for (let i = 0; i < 3; i++) {
      const page = await signIn('op', 'wrong password!');
      await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
      await page.close();
    }
    const page = await signIn('op');
    await page.getByRole('alert').filter({ hasText: '尝试次数过多' }).waitFor();
    await page.screenshot({ path: artifact('shop-console-login-limited.png') });
    await page.close();
  });
});

/**
 * Today, in store-a: on ca-1 a visit of 90 s (QR scanned 8 s after it was shown by a new follower, who
 * claims and confirms; two photos) and a second visit still going on, QR shown, nobody scanning; on ca-2 a
 * visit of 150 s scanned after 20 s by someone already following, claimed, not confirmed. In store-b, on
 * cb-1, a visit still going on, scanned after 5 s by a new follower who claims. Every event delivered twice.
 */
async function scriptedVisit(h: BindingHarness): Promise<void> {
  const now = Date.now();
  const publish = async (contract: Parameters<BindingHarness['publish']>[0], payload: unknown) => {
    await h.publish(contract, payload as never);
    await h.publish(contract, payload as never);
  };
  const visit = async (mirrorId: string, startOffsetS: number, lengthS: number | null) => {
    const s = h.newSession(mirrorId);
    const start = now - startOffsetS * 1000;
    await publish(Events.sessionStarted, { ...s.started, at: iso(start) });
    await publish(Events.qrIssued, s.qr);
    if (lengthS !== null)
      await publish(Events.sessionEnded, {
        sessionId: s.sessionId,
        mirrorId,
        at: iso(start + lengthS * 1000),
      });
    return s;
  };
  const s1 = await visit('ca-1', 200, 90);
  await visit('ca-1', 60, null);
  const s3 = await visit('ca-2', 180, 150);
  const s4 = await visit('cb-1', 30, null);
  await publish(Events.photoStored, h.photo('ca-1', s1.sessionId, new Date(now - 190_000)));
  await publish(Events.photoStored, h.photo('ca-1', s1.sessionId, new Date(now - 180_000)));
  await caughtUp(h);
  const shown = new Map(
    (await h.rows<{ scene: string; at: Date }>('SELECT scene, created_at AS at FROM session_scenes')).map(
      (r) => [r.scene, r.at.getTime()],
    ),
  );
  const scan = async (s: typeof s1, openid: string, afterS: number, newFollower: boolean) => {
    const event = {
      eventId: `scan-${ulid()}`,
      openid,
      scene: s.scene,
      ticket: s.ticket,
      newFollower,
      at: iso(shown.get(s.scene)! + afterS * 1000),
    };
    await publish(Events.qrScanned, event);
    return event;
  };
  const u1 = await scan(s1, user(1), 8, true);
  await scan(s3, user(2), 20, false);
  await scan(s4, user(3), 5, true);
  await caughtUp(h);
  await h.bus.request(Requests.replyScan, {
    trigger: 'scan',
    eventId: u1.eventId,
    openid: u1.openid,
    scene: s1.scene,
  });
  await confirmAs(h, s1.scene, u1.openid);
}
