import type { PassiveReply } from '@mirror/contracts';
import { testLogger } from '@mirror/testing';
import {
  buildXml,
  computeSignature,
  createNonce,
  WeChatMessageCrypto,
  computeMsgSignature,
} from '@mirror/wechat';
import type { BindingReplyClient, ReplyOutcome } from '../../src/callback/binding-reply.client';
import type { CallbackGuardRepository, ClaimResult } from '../../src/callback/callback-guard.repository';
import { CallbackMetrics } from '../../src/callback/callback.metrics';
import type { PlannedEvent } from '../../src/callback/callback-plan';
import { CallbackService } from '../../src/callback/callback.service';
import { EventPublishFailedError, GuardStoreUnavailableError } from '../../src/callback/callback.errors';
import type { WeChatEventsPublisher } from '../../src/callback/wechat-events.publisher';
import { callbackSettings } from '../../src/callback/callback.settings';
import type { AppConfig } from '../../src/config';
import { ManualClock, MetricsService } from '@mirror/platform';

// WxJava's published sample (WxMpCryptUtilTest) and WeChat's documented plain signature example.
const WXJAVA = {
  token: 'pamtest',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
  plaintext: '我是中文abcd123',
  random: 'aaaabbbbccccdddd',
  ciphertext: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};
const PLAIN = {
  token: 'test',
  timestamp: '1410685589',
  nonce: 'test',
  signature: 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff',
};
const OPENID = 'oService_0123456789';

class FakeGuard {
  nonces = new Map<string, string>();
  records = new Map<string, string>();
  released: string[] = [];
  down = false;
  async rememberNonce(timestamp: string, nonce: string): Promise<boolean> {
    this.check();
    const key = `${timestamp}:${nonce}`;
    if (this.nonces.has(key)) return false;
    this.nonces.set(key, '');
    return true;
  }
  async claim(timestamp: string, nonce: string, bodyHash: string, eventId: string): Promise<ClaimResult> {
    this.check();
    const key = `${timestamp}:${nonce}`;
    const seenHash = this.nonces.get(key);
    if (seenHash !== undefined && seenHash !== bodyHash) return { kind: 'replayed-nonce' };
    this.nonces.set(key, bodyHash);
    const seen = this.records.get(eventId);
    if (seen === undefined) {
      this.records.set(eventId, 'p');
      return { kind: 'claimed' };
    }
    return seen === 'p' ? { kind: 'in-flight' } : { kind: 'answered', body: seen };
  }
  async storedReply(eventId: string) {
    const seen = this.records.get(eventId);
    return seen && seen !== 'p' ? seen : null;
  }
  async storeReply(eventId: string, body: string) {
    this.check();
    this.records.set(eventId, body);
  }
  async release(eventId: string) {
    this.released.push(eventId);
    this.records.delete(eventId);
  }
  private check() {
    if (this.down) throw new GuardStoreUnavailableError('test', 'down');
  }
}

class FakePublisher {
  published: { events: PlannedEvent[]; needsPush: boolean; timeoutMs: number }[] = [];
  fail = false;
  /** Publishes wait on these, one per call, in order (a stuck or slow JetStream). */
  gates: Promise<void>[] = [];
  async publish(events: PlannedEvent[], needsPush: boolean, timeoutMs: number) {
    const gate = this.gates.shift();
    if (gate) await gate;
    if (this.fail) throw new EventPublishFailedError(events[0].contract.subject, new Error('nats down'));
    this.published.push({ events, needsPush, timeoutMs });
  }
}

class FakeBinding {
  asked: { timeoutMs: number }[] = [];
  outcome: ReplyOutcome = { kind: 'none', reason: 'no-responders' };
  async ask(_request: unknown, timeoutMs: number): Promise<ReplyOutcome> {
    this.asked.push({ timeoutMs });
    return this.outcome;
  }
}

function build(overrides: Partial<AppConfig> = {}, now = Date.UTC(2025, 0, 1)) {
  const config = {
    WECHAT_TOKEN: 'tok3n',
    WECHAT_APP_ID: 'wxservicetest0001',
    WECHAT_ENCODING_AES_KEY: undefined,
    WECHAT_MAX_BODY_BYTES: 65536,
    WECHAT_TIMESTAMP_WINDOW_SECONDS: 300,
    WECHAT_REPLY_BUDGET_MS: 3000,
    WECHAT_DEDUP_TTL_SECONDS: 300,
    ...overrides,
  } as AppConfig;
  const guard = new FakeGuard();
  const publisher = new FakePublisher();
  const binding = new FakeBinding();
  const clock = new ManualClock(now);
  const sut = new CallbackService(
    callbackSettings(config),
    guard as unknown as CallbackGuardRepository,
    publisher as unknown as WeChatEventsPublisher,
    binding as unknown as BindingReplyClient,
    new CallbackMetrics(new MetricsService()),
    clock,
    testLogger(),
  );
  const seconds = () => String(Math.floor(clock.now() / 1000));
  const signed = (fields: Record<string, string>, timestamp = seconds(), nonce = createNonce(8)) => ({
    query: { signature: computeSignature(config.WECHAT_TOKEN, timestamp, nonce), timestamp, nonce },
    body: Buffer.from(
      buildXml({ ToUserName: 'gh_acc', FromUserName: OPENID, CreateTime: 1735689600, ...fields }),
    ),
  });
  return { sut, config, guard, publisher, binding, clock, signed };
}

const scan = { MsgType: 'event', Event: 'SCAN', EventKey: 'sceneS' };
const newsReply: PassiveReply = {
  type: 'news',
  articles: [{ title: 't', description: 'd', url: 'https://x/y' }],
};

describe(CallbackService.name, () => {
  describe('published test vectors', () => {
    it('verifies WeChat documented signature example (token test, timestamp 1410685589, nonce test)', async () => {
      const { sut } = build({ WECHAT_TOKEN: PLAIN.token }, Number(PLAIN.timestamp) * 1000);
      await expect(sut.verifyUrl({ ...PLAIN, echostr: '5837397520' })).resolves.toBe('5837397520');
      await expect(sut.verifyUrl({ ...PLAIN, nonce: 'tesT', echostr: '5837397520' })).rejects.toMatchObject({
        reason: 'bad-signature',
        status: 401,
      });
    });

    it('opens a safe-mode callback under WxJava sample key and AppID', async () => {
      const crypto = new WeChatMessageCrypto({
        token: WXJAVA.token,
        encodingAesKey: WXJAVA.encodingAesKey,
        appId: WXJAVA.appId,
        randomBytes: () => Buffer.from(WXJAVA.random),
      });
      expect(crypto.encrypt(WXJAVA.plaintext)).toBe(WXJAVA.ciphertext);

      const { sut, signed, publisher } = build({
        WECHAT_TOKEN: WXJAVA.token,
        WECHAT_APP_ID: WXJAVA.appId,
        WECHAT_ENCODING_AES_KEY: WXJAVA.encodingAesKey,
      });
      const { query, body } = signed({ MsgType: 'event', Event: 'unsubscribe' });
      const encrypt = crypto.encrypt(body.toString());
      const answer = await sut.handle(
        {
          ...query,
          encrypt_type: 'aes',
          msg_signature: computeMsgSignature(WXJAVA.token, query.timestamp, query.nonce, encrypt),
        },
        Buffer.from(buildXml({ ToUserName: 'gh_acc', Encrypt: encrypt })),
        Date.now(),
      );
      expect(answer.body).toBe('success');
      expect(publisher.published[0].events[0].payload).toMatchObject({ openid: OPENID });
    });
  });

  describe('timestamp window', () => {
    it('accepts a timestamp exactly at the edge of the window and refuses one a second beyond', async () => {
      const { sut, signed, clock } = build({ WECHAT_TIMESTAMP_WINDOW_SECONDS: 60 });
      const now = Math.floor(clock.now() / 1000);
      const edge = signed({ MsgType: 'event', Event: 'unsubscribe' }, String(now - 60));
      await expect(sut.handle(edge.query, edge.body, clock.now())).resolves.toMatchObject({
        outcome: 'accepted',
      });
      const beyond = signed({ MsgType: 'event', Event: 'subscribe' }, String(now + 61));
      await expect(sut.handle(beyond.query, beyond.body, clock.now())).rejects.toMatchObject({
        reason: 'stale-timestamp',
      });
    });
  });

  describe('replies', () => {
    it('gives binding only what is left of the budget after the request arrived', async () => {
      const { sut, signed, binding, clock } = build({ WECHAT_REPLY_BUDGET_MS: 3000 });
      const { query, body } = signed(scan);
      await sut.handle(query, body, clock.now() - 1200);
      expect(binding.asked).toEqual([{ timeoutMs: 1800 }]);
    });

    it('publishes needsPush=false with a passive reply and true without one', async () => {
      const { sut, signed, binding, publisher, clock } = build();
      binding.outcome = { kind: 'reply', reply: newsReply };
      const a = signed(scan);
      expect((await sut.handle(a.query, a.body, clock.now())).body).toContain('<MsgType><![CDATA[news]]>');
      binding.outcome = { kind: 'none', reason: 'timeout' };
      const b = signed({ ...scan, EventKey: 'other' });
      expect((await sut.handle(b.query, b.body, clock.now())).body).toBe('success');
      expect(publisher.published.map((p) => p.needsPush)).toEqual([false, true]);
    });
  });

  describe('de-duplication', () => {
    it('answers a retry with the stored reply without asking binding or publishing again', async () => {
      const { sut, signed, binding, publisher, clock } = build();
      binding.outcome = { kind: 'reply', reply: newsReply };
      const first = signed(scan);
      const retry = signed(scan);
      const a = await sut.handle(first.query, first.body, clock.now());
      const b = await sut.handle(retry.query, retry.body, clock.now());
      expect(b).toEqual({ body: a.body, outcome: 'duplicate' });
      expect(binding.asked).toHaveLength(1);
      expect(publisher.published).toHaveLength(1);
    });

    it('answers the identical request repeated (same timestamp and nonce) as a retry', async () => {
      const { sut, signed, binding, publisher, clock } = build();
      binding.outcome = { kind: 'reply', reply: newsReply };
      const { query, body } = signed(scan);
      const a = await sut.handle(query, body, clock.now());
      await expect(sut.handle(query, body, clock.now())).resolves.toEqual({
        body: a.body,
        outcome: 'duplicate',
      });
      expect(publisher.published).toHaveLength(1);
    });

    it('refuses the same timestamp and nonce with another body', async () => {
      const { sut, signed, clock } = build();
      const { query, body } = signed(scan);
      await sut.handle(query, body, clock.now());
      const other = Buffer.from(body.toString().replace('</xml>', '<Extra>1</Extra></xml>'));
      await expect(sut.handle(query, other, clock.now())).rejects.toMatchObject({
        reason: 'replayed-nonce',
      });
    });

    it('forgets the claim when publishing fails, so WeChat retry is processed afresh', async () => {
      const { sut, signed, publisher, guard, clock } = build();
      publisher.fail = true;
      const first = signed(scan);
      await expect(sut.handle(first.query, first.body, clock.now())).rejects.toThrow(EventPublishFailedError);
      expect(guard.released).toHaveLength(1);
      publisher.fail = false;
      const retry = signed(scan);
      await expect(sut.handle(retry.query, retry.body, clock.now())).resolves.toMatchObject({
        outcome: 'accepted',
      });
      expect(publisher.published).toHaveLength(1);
    });

    it('keeps answering and publishing while the store is down (JetStream de-duplicates by msgID)', async () => {
      const { sut, signed, publisher, guard, clock } = build();
      guard.down = true;
      guard.claim = async () => {
        throw new GuardStoreUnavailableError('claim', 'down');
      };
      const { query, body } = signed(scan);
      await expect(sut.handle(query, body, clock.now())).resolves.toMatchObject({ outcome: 'accepted' });
      expect(publisher.published[0].events[0].msgID).toMatch(/^wx-evt-/);
    });

    it("answers a retry that arrives while the first delivery is in flight with that delivery's reply", async () => {
      const { sut, signed, publisher, binding, clock } = build();
      binding.outcome = { kind: 'reply', reply: newsReply };
      let release!: () => void;
      publisher.gates.push(new Promise<void>((resolve) => (release = resolve)));
      const first = signed(scan);
      const firstAnswer = sut.handle(first.query, first.body, clock.now());
      const retry = signed(scan); // WeChat's retry: same callback, fresh timestamp and nonce
      const retryAnswer = sut.handle(retry.query, retry.body, clock.now());
      await new Promise((r) => setTimeout(r, 120)); // the retry is polling by now
      release();
      const answered = await firstAnswer;
      await expect(retryAnswer).resolves.toEqual({ body: answered.body, outcome: 'duplicate' });
      expect(binding.asked).toHaveLength(1);
      expect(publisher.published).toHaveLength(1);
    });

    it('handles a retry itself when the first delivery never finishes within the reply budget', async () => {
      const { sut, signed, guard, publisher, binding, clock } = build();
      publisher.gates.push(new Promise<void>(() => undefined)); // the first delivery's publish hangs
      const first = signed(scan);
      void sut.handle(first.query, first.body, clock.now());
      await new Promise((r) => setImmediate(r));
      // Each look at the store finds nothing, and a second passes.
      const look = guard.storedReply.bind(guard);
      guard.storedReply = async (eventId: string) => {
        clock.advance(1000);
        return look(eventId);
      };
      const retry = signed(scan);
      const arrived = clock.now();
      const answer = await sut.handle(retry.query, retry.body, arrived);
      expect(clock.now() - arrived).toBe(3000); // waited exactly the reply budget
      expect(answer).toEqual({ body: 'success', outcome: 'accepted' });
      // No time was left for binding; the event asks for a pushed message instead.
      expect(binding.asked.at(-1)!.timeoutMs).toBeLessThanOrEqual(0);
      expect(publisher.published).toHaveLength(1);
      expect(publisher.published[0].needsPush).toBe(true);
    });

    it('answers once the events are published, without waiting for the reply to reach the store', async () => {
      const { sut, signed, guard, binding, clock } = build();
      binding.outcome = { kind: 'reply', reply: newsReply };
      let finishStore!: () => void;
      const storing = new Promise<void>((resolve) => (finishStore = resolve));
      const store = guard.storeReply.bind(guard);
      guard.storeReply = async (eventId: string, body: string) => {
        await storing;
        await store(eventId, body);
      };
      const { query, body } = signed(scan);
      const answer = await sut.handle(query, body, clock.now());
      expect(answer.body).toContain('<MsgType><![CDATA[news]]></MsgType>');
      // A retry that overtakes the write finds the claim in flight, not a free slot.
      const eventId = [...guard.records.keys()][0];
      expect(guard.records.get(eventId)).toBe('p');

      let settled = false;
      const shutdown = sut.beforeApplicationShutdown().then(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      expect(settled).toBe(false); // shutdown waits for the write
      finishStore();
      await shutdown;
      expect(guard.records.get(eventId)).toBe(answer.body);
    });
  });
});
