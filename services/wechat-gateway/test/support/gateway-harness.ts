import type { INestApplication } from '@nestjs/common';
import {
  Requests,
  type OauthConfirmRequest,
  type OauthConfirmResponse,
  type PassiveReply,
  type ReplyScanRequest,
} from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { bootstrapService, LOGGER } from '@mirror/platform';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  serviceNatsEnv,
  testNatsAuth,
} from '@mirror/testing';
import Redis from 'ioredis';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadAppConfig, type AppConfig } from '../../src/config';
import { wechatGatewayService } from '../../src/main';
import { CallbackSigner, type SignOptions } from './callback-signer';

export const TOKEN = 'gwT0ken';
export const APP_ID = 'wxgatewaytest0001';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const STATE_SECRET = 'oauth-state-secret-for-tests';
export const COOKIE_SECRET = 'cookie-secret-for-tests-0001';

/** What the fake binding answers to binding.reply.scan: a reply, after an optional delay, or a throw. */
export type ReplyBehaviour = (request: ReplyScanRequest) => Promise<PassiveReply>;
export type ConfirmBehaviour = (request: OauthConfirmRequest) => Promise<OauthConfirmResponse>;

export interface StoredEvent {
  subject: string;
  msgID: string | undefined;
  data: Record<string, unknown>;
}

export interface HarnessOptions {
  aesKey?: string | null;
  env?: Record<string, string>;
  /** Serve binding.reply.scan / binding.oauth.confirm (default true). */
  binding?: boolean;
}

/**
 * One gateway booted in-process with bootstrapService on its own NATS namespace and Redis prefix, plus a
 * fake binding on the same namespace and a view of the WECHAT stream.
 */
export class GatewayHarness {
  replies: ReplyBehaviour = async () => ({ type: 'none' });
  confirms: ConfirmBehaviour = async () => {
    throw new Error('no confirm behaviour set');
  };
  readonly replyRequests: ReplyScanRequest[] = [];
  readonly confirmRequests: OauthConfirmRequest[] = [];

  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly ns: string,
    readonly prefix: string,
    readonly config: AppConfig,
    readonly bus: NatsClient,
    readonly signer: CallbackSigner,
    readonly logger: Logger,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const ns = uniqueName('gw');
    const prefix = `${ns}:`;
    const aesKey = options.aesKey === undefined ? AES_KEY : options.aesKey;
    const env: Record<string, string> = {
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: ns,
      ...(await serviceNatsEnv('wechat-gateway', ns)),
      REDIS_URL: testEnv.redisUrl(),
      REDIS_KEY_PREFIX: prefix,
      WECHAT_APP_ID: APP_ID,
      WECHAT_TOKEN: TOKEN,
      PUBLIC_BASE_URL: 'http://127.0.0.1',
      OAUTH_STATE_SECRET: STATE_SECRET,
      COOKIE_SECRET: COOKIE_SECRET,
      ...(aesKey ? { WECHAT_ENCODING_AES_KEY: aesKey } : {}),
      ...options.env,
    };
    const bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'gw-test',
      namespace: ns,
      logger: testLogger(),
    });
    const app = await bootstrapService({ ...wechatGatewayService, loadConfig: () => loadAppConfig(env) });
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const config = loadAppConfig(env);
    const harness = new GatewayHarness(
      app,
      `http://127.0.0.1:${port}`,
      ns,
      prefix,
      config,
      bus,
      new CallbackSigner(TOKEN, APP_ID, aesKey),
      app.get(LOGGER),
    );
    if (options.binding !== false) {
      harness.serveBinding();
      // the server knows the fake binding before the first callback: else a busy machine sees "no responders"
      await bus.nc.flush();
    }
    return harness;
  }

  private serveBinding(): void {
    this.bus.serve(Requests.replyScan, async (request) => {
      this.replyRequests.push(request);
      return { reply: await this.replies(request) };
    });
    this.bus.serve(Requests.oauthConfirm, async (request) => {
      this.confirmRequests.push(request);
      return this.confirms(request);
    });
  }

  /** POSTs a signed callback built from XML. */
  async post(xml: string, options: SignOptions = {}): Promise<{ status: number; body: string; ms: number }> {
    const { query, body } = this.signer.sign(xml, options);
    return this.raw('POST', query, body);
  }

  async raw(
    method: 'GET' | 'POST',
    query: Record<string, string>,
    body?: string | Buffer,
    headers: Record<string, string> = { 'content-type': 'text/xml' },
  ): Promise<{ status: number; body: string; ms: number }> {
    const started = performance.now();
    const res = await fetch(`${this.url}/wechat?${new URLSearchParams(query)}`, { method, body, headers });
    const text = await res.text();
    return { status: res.status, body: text, ms: performance.now() - started };
  }

  /** Every message in this namespace's WECHAT stream, in order. */
  async events(): Promise<StoredEvent[]> {
    const stream = this.bus.ns.stream('WECHAT');
    const info = await this.bus.jsm.streams.info(stream);
    const out: StoredEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      // v3 answers null for a sequence that holds no message (none is deleted here, but the type says so)
      const m = await this.bus.jsm.streams.getMessage(stream, { seq });
      if (!m) continue;
      out.push({
        subject: this.bus.ns.strip(m.subject),
        msgID: m.header?.get('Nats-Msg-Id'),
        data: m.json(),
      });
    }
    return out;
  }

  /** The value of one Prometheus sample, 0 when absent. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    for (const line of text.split('\n')) {
      if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
      if (wanted.every((w) => line.includes(w))) return Number(line.split(' ').pop());
    }
    return 0;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.bus.drain();
    await deleteNamespaceStreams(this.ns);
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${this.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
