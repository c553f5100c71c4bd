import { Client as Pg } from 'pg';
import { Events, MirrorSubjects, decode, mirrorDisplay, type PhotoStored } from '@mirror/contracts';
import { SimulatedCustomer, startSystem, type RunningSystem } from '@mirror/demo';
import { NatsClient } from '@mirror/nats';
import { LocalNatsServer, LocalRedisServer, testLogger, uniqueName, waitFor } from '@mirror/testing';
import { Client as Minio } from 'minio';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { ARTIFACTS } from './browser';

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
  const stored: PhotoStored[] = [];

  beforeAll(async () => {
    nats = await LocalNatsServer.start();
    redis = await LocalRedisServer.start();
    const infra = {
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL!,
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
      extraEnv: { 'session-vision': { SESSION_ABSENCE_MS: '4000', SESSION_FRAMES_STOPPED_MS: '6000' } },
    });
    bus = await NatsClient.connect({
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
        env: { ...process.env, NATS_URL: nats.url, NATS_NAMESPACE: namespace },
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
    expect(outcome.news!.url).toContain('/connect/oauth2/authorize');
    expect(decodeURIComponent(outcome.news!.url)).toContain(`${system.urls.gateway}/oauth/callback`);

    const page = await customer.open(outcome.news!.url);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${system.urls.gateway}/me`);
    expect(page.html).toContain(`data-photo="${photo.photoId}"`);
    expect(page.html).toContain('X-Amz-Signature');

    const anonymous = await fetch(`${system.urls.gateway}/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(photo.photoId);
  });

  it('delivers exactly one customer-service message when binding dies before it can reply', async () => {
    const sessionId = ulid();
    await bus.publish(
      Events.sessionStarted,
      { sessionId, mirrorId: 'e2e-mirror-2', at: new Date().toISOString() },
      { msgID: sessionId },
    );
    const qr = await waitFor(async () => {
      const r = await fetch(`${system.urls.qrIssuer}/qr/${sessionId}.svg`);
      return r.status === 200;
    }, 30000);
    expect(qr).toBe(true);
    const issued = await waitFor(async () => {
      const info = await bus.jsm.streams.getMessage(bus.ns.stream('QR'), {
        last_by_subj: bus.ns.subject('qr.issued'),
      });
      const e = decode(Events.qrIssued, info.data);
      return e.sessionId === sessionId ? e : undefined;
    }, 30000);

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
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();
    const ids = Array.from({ length: 20 }, () => ulid());
    const before = stored.length;
    for (const [i, id] of ids.entries()) {
      if (i === 8) void system.services['photo-store'].kill();
      await bus.publishBytes(MirrorSubjects.of('photo', 'e2e-mirror-3'), jpeg, {
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
  });

  it('carries on after NATS and Redis restart', async () => {
    await nats.stop();
    await redis.stop();
    await nats.resume();
    await redis.resume();
    for (const p of Object.values(system.services)) await p.waitReady(60000);
    const sessionId = ulid();
    await bus.publish(
      Events.sessionStarted,
      { sessionId, mirrorId: 'e2e-mirror-4', at: new Date().toISOString() },
      { msgID: sessionId },
    );
    await waitFor(
      async () => (await fetch(`${system.urls.qrIssuer}/qr/${sessionId}.png`)).status === 200,
      60000,
    );
  });
});
