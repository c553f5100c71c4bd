import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { Client as Pg } from 'pg';
import { ulid } from 'ulid';
import { Events, Requests, type EventContract, type PayloadInput } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { bootstrapService } from '@mirror/platform';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  serviceNatsEnv,
  testNatsAuth,
} from '@mirror/testing';
import { startSandbox, type WeChatSandbox } from '@mirror/wechat-sandbox';
import { loadAppConfig, type AppConfig } from '../../src/config';
import { bindingService } from '../../src/main';
import { FakePhotoStore } from './fake-photo-store';
import { GatewayStandIn } from './gateway-stand-in';
import { useLinkOpener } from './replies';

export const PUBLIC_BASE_URL = 'https://mirror.example.com';
export const OAUTH_STATE_SECRET = 'state-secret-for-tests-0123456789';
const CALLBACK_TOKEN = 'sandboxtoken';

/**
 * One test file's world: its own Postgres database, NATS namespace and Redis prefix, the WeChat
 * sandbox, a fake photo-store, the gateway stand-in, and binding booted in-process (one or more replicas).
 */
export class BindingHarness {
  readonly apps: INestApplication[] = [];
  pg!: Pg;
  bus!: NatsClient;
  sandbox!: WeChatSandbox;
  photoStore!: FakePhotoStore;
  gateway!: GatewayStandIn;
  private db!: { url: string; drop: () => Promise<void> };
  readonly ns = uniqueName('bnd');
  private natsEnv: { NATS_CREDS?: string } = {};

  static async create(): Promise<BindingHarness> {
    const h = new BindingHarness();
    h.db = await createTestDatabase();
    h.pg = new Pg({ connectionString: h.db.url });
    await h.pg.connect();
    h.natsEnv = await serviceNatsEnv('binding', h.ns);
    h.bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'binding-test',
      namespace: h.ns,
      logger: testLogger(),
    });
    await h.bus.ensureStreams(['SESSIONS', 'QR', 'PHOTOS', 'WECHAT']);
    h.photoStore = new FakePhotoStore(h.bus).start();
    h.gateway = await new GatewayStandIn(h.bus, CALLBACK_TOKEN).start();
    h.sandbox = await startSandbox({ port: 0, token: CALLBACK_TOKEN, callbackUrl: h.gateway.callbackUrl });
    useLinkOpener(
      async (link, target) => (await h.bus.request(Requests.linkOpen, { link, target })).location,
    );
    return h;
  }

  env(): NodeJS.ProcessEnv {
    return {
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: this.ns,
      ...this.natsEnv,
      REDIS_URL: testEnv.redisUrl(),
      REDIS_KEY_PREFIX: `${this.ns}:`,
      DATABASE_URL: this.db.url,
      WECHAT_APP_ID: this.sandbox.appId,
      WECHAT_APP_SECRET: this.sandbox.appSecret,
      WECHAT_API_BASE: this.sandbox.url,
      WECHAT_MP_BASE: this.sandbox.url,
      WECHAT_OPEN_BASE: this.sandbox.url,
      PUBLIC_BASE_URL,
      OAUTH_STATE_SECRET,
      COOKIE_SECRET: 'cookie-secret-for-tests-0123456789',
      RETENTION_INTERVAL_SECONDS: '86400',
      PHOTO_URL_TIMEOUT_MS: '400',
    };
  }

  /** Boots one binding replica in this process. */
  async start(overrides: Partial<AppConfig> = {}): Promise<INestApplication> {
    const app = await bootstrapService(
      { ...bindingService, loadConfig: () => loadAppConfig(this.env()) },
      overrides,
    );
    this.apps.push(app);
    return app;
  }

  async stop(app: INestApplication): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.close();
  }

  /** Publishes a durable event; a fresh msgID each time unless given (a redelivery looks the same to binding). */
  publish<C extends EventContract>(contract: C, payload: PayloadInput<C>, msgID: string = ulid()) {
    return this.bus.publish(contract, payload, { msgID });
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query(sql, params)).rows as T[];
  }

  /** A session with its QR code known to the sandbox (so the sandbox customer can scan it). */
  newSession(mirrorId: string, expireSeconds = 600) {
    const sessionId = ulid();
    const scene = `scene-${ulid()}`;
    const ticket = this.sandbox.tickets.create('QR_STR_SCENE', scene, expireSeconds);
    const at = new Date().toISOString();
    return {
      sessionId,
      mirrorId,
      scene,
      ticket: ticket.ticket,
      started: { sessionId, mirrorId, at },
      qr: {
        sessionId,
        mirrorId,
        scene,
        ticket: ticket.ticket,
        url: ticket.url,
        expiresAt: new Date(Date.now() + expireSeconds * 1000).toISOString(),
      },
    };
  }

  /** A `photo.stored` payload. */
  photo(mirrorId: string, sessionId: string | undefined, takenAt: Date = new Date()) {
    const photoId = ulid();
    return {
      photoId,
      mirrorId,
      sessionId,
      takenAt: takenAt.toISOString(),
      sha256: 'a'.repeat(64),
      width: 1080,
      height: 1440,
      bytes: 123456,
      contentType: 'image/jpeg',
      keys: {
        original: `mirrors/${mirrorId}/${photoId}/original.jpg`,
        display: `mirrors/${mirrorId}/${photoId}/display.jpg`,
        thumb: `mirrors/${mirrorId}/${photoId}/thumb.jpg`,
      },
    };
  }

  async close(): Promise<void> {
    for (const app of this.apps.splice(0)) await app.close().catch(() => undefined);
    await this.photoStore?.stop().catch(() => undefined);
    await this.gateway?.close();
    await this.sandbox?.close();
    await this.bus?.drain().catch(() => undefined);
    await deleteNamespaceStreams(this.ns).catch(() => undefined);
    await this.pg?.end().catch(() => undefined);
    await this.db?.drop();
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${this.ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

export { Events };
