import { Client as Pg } from 'pg';
import {
  Events,
  MirrorSubjects,
  SERVICE_NAMES,
  decode,
  mirrorDisplay,
  type PhotoStored,
  type QrIssued,
} from '@mirror/contracts';
import { SimulatedCustomer, startSystem, type RunningSystem } from '@mirror/demo';
import { CallbackSigner } from '@mirror/wechat';
import { NatsClient } from '@mirror/nats';
import {
  LocalNatsServer,
  LocalRedisServer,
  createTestDatabase,
  testLogger,
  uniqueName,
  waitFor,
  lockedNatsInclude,
  mirrorNatsEnv,
  testNatsAuth,
  mirrorNatsAuth,
} from '@mirror/testing';
import { Client as Minio } from 'minio';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { ARTIFACTS, artifact, launchBrowser } from './browser';
import { OtlpKind, OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

const ROOT = resolve(__dirname, '..', '..');
const MIRROR = 'e2e-mirror-1';

/**
 * The whole loop across five OS processes, the WeChat sandbox and mirror-sim, then faults. NATS and Redis
 * are private servers of this test (they get restarted); Postgres and the S3 server are the machine's.
 */
describe('the whole loop', () => {
  const namespace = uniqueName('e2e');
  let nats: LocalNatsServer;
  let redis: LocalRedisServer;
  let system: RunningSystem;
  let bus: NatsClient;
  let mirror: ChildProcess | undefined;
  let db: Pg;
  let s3: Minio;
  let collector: OtlpReceiver;
  const stored: PhotoStored[] = [];

  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  /** Starts a session on `mirrorId` and waits for its QR code (qr-issuer's `qr.issued`). */
  async function startSession(mirrorId: string): Promise<QrIssued> {
    const sessionId = ulid();
    await bus.publish(
      Events.sessionStarted,
      { sessionId, mirrorId, at: new Date().toISOString() },
      { msgID: sessionId },
    );
    return waitFor(async () => {
      const m = await bus.jsm.streams.getMessage(bus.ns.stream('QR'), {
        last_by_subj: bus.ns.subject('qr.issued'),
      });
      if (!m) return undefined;
      const e = decode(Events.qrIssued, m.data);
      return e.sessionId === sessionId ? e : undefined;
    }, 30000);
  }

  /** A photo from `mirrorId` for `sessionId`, distinct from every other one. */
  async function takePhoto(mirrorId: string, sessionId: string): Promise<string> {
    const photoId = ulid();
    const jpeg = await sharp(randomBytes(320 * 240 * 3), { raw: { width: 320, height: 240, channels: 3 } })
      .jpeg()
      .toBuffer();
    await bus.publishBytes(MirrorSubjects.of('photo', mirrorId), jpeg, {
      msgID: photoId,
      headers: { 'taken-at': new Date().toISOString(), 'session-id': sessionId },
    });
    return photoId;
  }

  /** Rows of binding's database. */
  const rows = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    // the project's lock: operator, accounts and this test's credentials from the local authority
    nats = await LocalNatsServer.start({ include: await lockedNatsInclude() });
    redis = await LocalRedisServer.start();
    // every service exports its spans here, in batches a fifth of a second apart
    collector = await OtlpReceiver.start();
    const traced = Object.fromEntries(
      SERVICE_NAMES.map((name) => [
        name,
        { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      ]),
    );
    const infra = {
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      S3_ENDPOINT: process.env.S3_ENDPOINT!,
      S3_ACCESS_KEY: process.env.S3_ACCESS_KEY!,
      S3_SECRET_KEY: process.env.S3_SECRET_KEY!,
      S3_BUCKET: process.env.S3_BUCKET!,
    };
    system = await startSystem({
      infra,
      basePort: Number(process.env.E2E_BASE_PORT ?? 3300),
      namespace,
      logDir: resolve(ARTIFACTS, 'e2e-logs'),
      extraEnv: {
        ...traced,
        'session-vision': {
          ...traced['session-vision'],
          SESSION_ABSENCE_MS: '4000',
          SESSION_FRAMES_STOPPED_MS: '6000',
        },
        // photos in hand when photo-store is killed come back after this
        'photo-store': { ...traced['photo-store'], PHOTO_ACK_WAIT_MS: '5000' },
        // WeChat's tries come seconds apart, which is what lets a callback outlive a short NATS outage
        sandbox: { SANDBOX_CALLBACK_RETRY_DELAY_MS: '2000' },
      },
    });
    bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: nats.url,
      name: 'e2e-observer',
      namespace,
      logger: testLogger(),
    });
    bus.subscribe(Events.photoStored.subject, (m) => void stored.push(decode(Events.photoStored, m.data)));
    db = new Pg({ connectionString: infra.DATABASE_URL });
    await db.connect();
    const s3url = new URL(infra.S3_ENDPOINT);
    s3 = new Minio({
      endPoint: s3url.hostname,
      port: Number(s3url.port),
      useSSL: false,
      accessKey: infra.S3_ACCESS_KEY,
      secretKey: infra.S3_SECRET_KEY,
      pathStyle: true,
    });
  });

  afterAll(async () => {
    mirror?.kill('SIGTERM');
    await bus?.drain();
    await system?.stop();
    await db?.end();
    await redis?.stop();
    await nats?.dispose();
    await database?.drop();
    await collector?.stop();
  });

  it('takes a visit from the first frame to the photo in the customer gallery', async () => {
    const qr = new Promise<{ url: string; sessionId: string }>((done) =>
      bus.subscribe(MirrorSubjects.of('display', MIRROR), (m) => {
        const d = decode(mirrorDisplay, m.data);
        if (d.kind === 'qr') done(d);
      }),
    );
    mirror = spawn(
      process.execPath,
      [
        resolve(ROOT, 'tools/mirror-sim/dist/main.js'),
        '--mirror',
        MIRROR,
        '--fps',
        '5',
        '--auto-photo',
        '2',
        '--screen-port=-1',
      ],
      {
        env: {
          ...process.env,
          NATS_URL: nats.url,
          NATS_NAMESPACE: namespace,
          ...(await mirrorNatsEnv(MIRROR, namespace)),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const simLog = createWriteStream(resolve(ARTIFACTS, 'e2e-logs', 'mirror-sim.log'));
    mirror.stdout!.pipe(simLog);
    mirror.stderr!.pipe(simLog);
    const shown = await qr;
    const photo = await waitFor(() => stored.find((p) => p.mirrorId === MIRROR), 60000);
    expect(photo.sessionId).toBe(shown.sessionId);

    // three objects per photo in the bucket
    const keys: string[] = [];
    for await (const o of s3.listObjectsV2(process.env.S3_BUCKET!, `mirrors/${MIRROR}/`, true))
      keys.push(o.name!);
    expect(
      keys
        .filter((k) => k.includes(photo.photoId))
        .map((k) => k.split('/').pop()!.split('.')[0])
        .sort(),
    ).toEqual(['display', 'original', 'thumb']);

    const customer = new SimulatedCustomer(system.urls.sandbox, 'oE2eCustomer000000000001');
    const outcome = await customer.scan(shown.url);
    expect(outcome.replyType).toBe('news');
    expect(outcome.xml).toContain('<MsgType><![CDATA[news]]></MsgType>');
    expect(outcome.news!.description).toMatch(/1/);
    // stable links on the gateway: each open mints a fresh OAuth state and a fresh thumbnail URL
    expect(outcome.news!.url).toMatch(new RegExp(`^${system.urls.gateway}/link/[^/]+$`));
    expect(outcome.news!.picUrl).toMatch(new RegExp(`^${system.urls.gateway}/link/[^/]+/picture$`));

    const page = await customer.open(outcome.news!.url);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${system.urls.gateway}/me`);
    expect(page.html).toContain(`data-photo="${photo.photoId}"`);
    expect(page.html).toContain('X-Amz-Signature');

    const anonymous = await fetch(`${system.urls.gateway}/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(photo.photoId);

    // the same page in a phone's browser: the photo, its big view, and delete with confirmation
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const [name, value] = customer.cookie!.split(';')[0].split('=');
      await context.addCookies([{ name, value, url: system.urls.gateway }]);
      const tab = await context.newPage();
      await tab.goto(`${system.urls.gateway}/me`);
      const tile = tab.locator(`figure[data-photo="${photo.photoId}"]`);
      await tile.locator('img').waitFor();
      expect(await tab.locator('h1').textContent()).toBe('我的试衣照片');
      // the thumbnail loaded (the element can be there before its bytes are)
      await tile.locator('img').evaluate(
        (img) =>
          new Promise<void>((resolve, reject) => {
            const i = img as unknown as {
              complete: boolean;
              naturalWidth: number;
              onload: unknown;
              onerror: unknown;
            };
            if (i.complete)
              return i.naturalWidth > 0 ? resolve() : reject(new Error('the thumbnail did not load'));
            i.onload = () => resolve();
            i.onerror = () => reject(new Error('the thumbnail did not load'));
          }),
      );
      expect(
        await tile
          .locator('img')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      ).toBeGreaterThan(0);
      await tab.screenshot({ path: artifact('customer-photos.png') });
      await tile.click();
      await tab.locator('#viewer[open]').waitFor();
      tab.once('dialog', (d) => void d.accept());
      await tab.locator('#viewer-delete').click();
      await tile.waitFor({ state: 'detached' });
      await tab.reload();
      expect(await tab.locator('figure[data-photo]').count()).toBe(0);
    } finally {
      await browser.close();
    }
    const after = await customer.open(`${system.urls.gateway}/me`);
    expect(after.html).not.toContain(photo.photoId);
  });

  it("answers WeChat's three tries of one callback with one event and the same reply", async () => {
    const issued = await startSession('e2e-mirror-5');
    const signer = new CallbackSigner(system.secrets);
    const openid = 'oE2eCustomer000000000005';
    const first = signer.scan(openid, issued.scene, true);
    const replies: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      // each try carries the same message with a fresh timestamp, nonce and signature, as WeChat's do
      const retry = attempt === 0 ? first : signer.resign(first);
      const res = await fetch(system.urls.gateway + retry.path, { method: 'POST', body: retry.body });
      expect(res.status).toBe(200);
      replies.push(signer.openReply(await res.text()));
    }
    expect(replies[0]).toContain('<MsgType><![CDATA[');
    expect(replies[1]).toBe(replies[0]);
    expect(replies[2]).toBe(replies[0]);
    const info = await bus.jsm.streams.info(bus.ns.stream('WECHAT'));
    let scans = 0;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(bus.ns.stream('WECHAT'), { seq }).catch(() => undefined);
      if (
        m?.subject === bus.ns.subject('wechat.qr.scanned') &&
        decode(Events.qrScanned, m.data).openid === openid
      )
        scans++;
    }
    expect(scans).toBe(1);
  });

  it('traces one scan across the gateway, binding and photo-store, and a photo from intake to its session', async () => {
    const mirrorId = 'e2e-mirror-6';
    const issued = await startSession(mirrorId);
    const photoId = await takePhoto(mirrorId, issued.sessionId);
    await waitFor(
      async () => (await rows('SELECT 1 FROM photos WHERE id = $1', [photoId])).length === 1,
      30000,
    );
    // WeChat sends no traceparent; a caller that does (a proxy in front of the gateway) has its trace continued
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const signer = new CallbackSigner(system.secrets);
    const scan = signer.scan('oE2eTraced00000000000001', issued.scene, false);
    const res = await fetch(system.urls.gateway + scan.path, {
      method: 'POST',
      body: scan.body,
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(res.status).toBe(200);
    const picUrl = /<PicUrl><!\[CDATA\[(.*?)\]\]><\/PicUrl>/.exec(signer.openReply(await res.text()))?.[1];

    const span = (spans: ReceivedSpan[], service: string, name: string) =>
      spans.find((s) => s.service === service && s.name === name);
    const wanted: [string, string][] = [
      ['wechat-gateway', 'POST /wechat'],
      ['wechat-gateway', 'binding.reply.scan request'],
      ['binding', 'binding.reply.scan serve'],
      ['wechat-gateway', 'wechat.qr.scanned publish'],
      ['binding', 'wechat.qr.scanned process'],
    ];
    const spans = await waitFor(() => {
      const t = collector.trace(traceId);
      return wanted.every(([service, name]) => span(t, service, name)) ? t : undefined;
    }, 30000);
    // for a reader of the run: every span of the scan's trace
    writeFileSync(artifact('trace-of-a-scan.json'), JSON.stringify(spans, null, 2));
    const [callback, ask, serve, publish, consume] = wanted.map(([service, name]) =>
      span(spans, service, name)!,
    );
    const links = (child: ReceivedSpan, parent: ReceivedSpan | string, kind: number) => {
      expect(child.parentSpanId).toBe(typeof parent === 'string' ? parent : parent.spanId);
      expect(child.kind).toBe(kind);
    };
    links(callback, callerSpanId, OtlpKind.server);
    links(ask, callback, OtlpKind.client);
    links(serve, ask, OtlpKind.server);
    links(publish, callback, OtlpKind.producer);
    links(consume, publish, OtlpKind.consumer);
    expect(callback.attributes).toMatchObject({ 'http.route': '/wechat', 'http.response.status_code': 200 });
    expect(consume.attributes).toMatchObject({ 'messaging.destination.name': 'wechat.qr.scanned' });

    // the news picture is a stable link: opened (as WeChat fetches it), binding answers a fresh signed URL (its
    // own, when it holds one of the photo with more than half its life left, else photo-store's)
    expect(picUrl).toMatch(new RegExp(`^${system.urls.gateway}/link/[^/]+/picture$`));
    const pictureTrace = randomBytes(16).toString('hex');
    const picture = await fetch(picUrl!, {
      redirect: 'manual',
      headers: { traceparent: `00-${pictureTrace}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(picture.status).toBe(302);
    expect(picture.headers.get('location')).toContain('X-Amz-Signature');
    const pictureWanted: [string, string][] = [
      ['wechat-gateway', 'binding.link.open request'],
      ['binding', 'binding.link.open serve'],
    ];
    const pictureSpans = await waitFor(() => {
      const t = collector.trace(pictureTrace);
      return pictureWanted.every(([service, name]) => span(t, service, name)) ? t : undefined;
    }, 30000);
    const [open, openServe] = pictureWanted.map(([service, name]) => span(pictureSpans, service, name)!);
    links(openServe, open, OtlpKind.server);

    // the photo: photo-store takes it in (the mirror sends no trace), announces it, binding attaches it
    const photoSpans = await waitFor(() => {
      const intake = collector.spans.find(
        (s) =>
          s.name === 'mirror.*.photo process' &&
          s.attributes['messaging.destination.name'] === MirrorSubjects.of('photo', mirrorId),
      );
      const t = intake ? collector.trace(intake.traceId) : [];
      const attached = span(t, 'binding', 'photo.stored process');
      return intake && attached ? { intake, t, attached } : undefined;
    }, 30000);
    writeFileSync(artifact('trace-of-a-photo.json'), JSON.stringify(photoSpans.t, null, 2));
    const announced = span(photoSpans.t, 'photo-store', 'photo.stored publish')!;
    expect(photoSpans.intake).toMatchObject({ service: 'photo-store', kind: OtlpKind.consumer });
    expect(photoSpans.intake.parentSpanId).toBeUndefined();
    links(announced, photoSpans.intake, OtlpKind.producer);
    links(photoSpans.attached, announced, OtlpKind.consumer);
  });

  it('delivers exactly one customer-service message when binding dies before it can reply', async () => {
    const issued = await startSession('e2e-mirror-2');
    // knowing a session id is not enough to read its code: only the signed link of the display message is
    expect((await fetch(`${system.urls.qrIssuer}/qr/${issued.sessionId}.svg`)).status).toBe(403);

    await system.services.binding.kill();
    const customer = new SimulatedCustomer(system.urls.sandbox, 'oE2eCustomer000000000002');
    const outcome = await customer.scan(issued.url);
    expect(['success', 'empty']).toContain(outcome.replyType);
    system.services.binding.start();
    await system.services.binding.waitReady();
    const messages = await waitFor(async () => {
      const m = await customer.messages();
      return m.length > 0 ? m : undefined;
    }, 30000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await customer.messages()).toHaveLength(messages.length);
    expect(messages).toHaveLength(1);
  });

  it('stores every photo of a burst exactly once although photo-store is killed in the middle', async () => {
    const sessionId = ulid();
    // distinct pictures: the same bytes from one mirror within a minute are one photo by design
    const jpegs = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 10 * k, g: 80, b: 160 } } })
          .jpeg()
          .toBuffer(),
      ),
    );
    const ids = Array.from({ length: 20 }, () => ulid());
    const before = stored.length;
    for (const [i, id] of ids.entries()) {
      if (i === 8) await system.services['photo-store'].kill(); // mid-burst: some stored, some in hand, some not yet pulled
      await bus.publishBytes(MirrorSubjects.of('photo', 'e2e-mirror-3'), jpegs[i], {
        msgID: id,
        headers: { 'taken-at': new Date().toISOString(), 'session-id': sessionId },
      });
    }
    system.services['photo-store'].start();
    await system.services['photo-store'].waitReady();
    await waitFor(() => new Set(stored.slice(before).map((p) => p.photoId)).size === ids.length, 90000);
    await new Promise((r) => setTimeout(r, 2000));
    const again = stored.slice(before).filter((p) => ids.includes(p.photoId));
    expect(new Set(again.map((p) => p.photoId)).size).toBe(20);
    expect(again).toHaveLength(20); // announced once each
  });

  it('loses and doubles nothing when NATS and Redis crash in the middle of a visit', async () => {
    const mirrorId = 'e2e-mirror-4';
    const issued = await startSession(mirrorId);
    const before = await takePhoto(mirrorId, issued.sessionId);
    await waitFor(
      async () => (await rows('SELECT 1 FROM photos WHERE id = $1', [before])).length === 1,
      30000,
    );

    // both die (SIGKILL) as the customer scans; they come back while WeChat is still trying
    await nats.stop();
    await redis.stop();
    const customer = new SimulatedCustomer(system.urls.sandbox, 'oE2eCustomer000000000004');
    const scanning = customer.scan(issued.url);
    await new Promise((r) => setTimeout(r, 1500));
    await nats.resume();
    await redis.resume();
    const outcome = await scanning;
    expect(outcome.delivered).toBe(true);
    for (const p of Object.values(system.services)) await p.waitReady(60000);

    // the OAuth link: in the passive reply, or pushed when the reply could not wait for binding
    const link =
      outcome.news?.url ??
      (await waitFor(
        async () => (await customer.messages()).find((m) => m.msgtype === 'news')?.articles?.[0]?.url,
        30000,
      ));
    const after = await takePhoto(mirrorId, issued.sessionId);
    await waitFor(
      async () => (await rows('SELECT 1 FROM photos WHERE id = $1', [after])).length === 1,
      60000,
    );

    const page = await customer.open(link);
    expect(page.status).toBe(200);
    for (const photoId of [before, after]) expect(page.html.split(`data-photo="${photoId}"`)).toHaveLength(2); // shown, once
    expect(
      await rows('SELECT openid, status FROM bindings WHERE session_id = $1', [issued.sessionId]),
    ).toEqual([{ openid: customer.openid, status: 'confirmed' }]);
    expect(await rows('SELECT outcome FROM scans WHERE openid = $1', [customer.openid])).toEqual([
      { outcome: 'claimed' },
    ]);
    expect(
      await rows(`SELECT id FROM photos WHERE session_id = $1 AND status = 'stored' ORDER BY id`, [
        issued.sessionId,
      ]),
    ).toEqual([before, after].sort().map((id) => ({ id })));
    // at most one message in the chat besides the passive reply: never the same content twice
    expect((await customer.messages()).length).toBeLessThanOrEqual(outcome.news ? 0 : 1);
  });

  it("claims nothing for a scan forged with a mirror's credential", async () => {
    const mirrorId = 'e2e-mirror-forger';
    const issued = await startSession(mirrorId);
    const forgerOpenid = 'oE2eForger00000000000001';
    // a mirror in a shop reaches the bus: with its own credential it tries to pass as the gateway
    const forger = await NatsClient.connect({
      ...(await mirrorNatsAuth(mirrorId, namespace)),
      servers: nats.url,
      name: 'forging-mirror',
      namespace,
      logger: testLogger(),
    });
    try {
      const forged = forger.publish(
        Events.qrScanned,
        {
          eventId: 'forged-scan-1',
          openid: forgerOpenid,
          scene: issued.scene,
          ticket: issued.ticket,
          newFollower: false,
          at: new Date().toISOString(),
        },
        { msgID: ulid() },
      );
      await expect(forged).rejects.toThrow();
      // and as a plain message, with nobody to acknowledge it
      forger.publishRaw(Events.qrScanned.subject, new TextEncoder().encode('{}'));
      await forger.nc.flush().catch(() => undefined);
    } finally {
      await forger.drain().catch(() => undefined);
    }
    // the genuine customer still claims the session afterwards
    const customer = new SimulatedCustomer(system.urls.sandbox, 'oE2eHonest00000000000001');
    const outcome = await customer.scan(issued.url);
    expect(outcome.replyType).toBe('news');
    expect(await rows('SELECT outcome FROM scans WHERE openid = $1', [forgerOpenid])).toEqual([]);
    expect(await rows('SELECT openid FROM bindings WHERE session_id = $1', [issued.sessionId])).toEqual([
      { openid: customer.openid },
    ]);
    const wechat = await bus.jsm.streams.info(bus.ns.stream('WECHAT'));
    for (let seq = wechat.state.first_seq; seq <= wechat.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(bus.ns.stream('WECHAT'), { seq });
      expect(m ? new TextDecoder().decode(m.data) : '').not.toContain(forgerOpenid);
    }
  });
});
