import { Events } from '@mirror/contracts';
import { startSandbox, type WeChatSandbox } from '@mirror/wechat-sandbox';
import { GatewayHarness, APP_ID, AES_KEY, TOKEN, sleep } from './support/gateway-harness';

const OPENID = 'oRetries_0123456789';

/** WeChat retries a callback up to 3 times with the same body (same nonce or a fresh one): one event, one reply. */
describe('CallbackService de-duplication', () => {
  let sut: GatewayHarness;
  let asked = 0;

  beforeAll(async () => {
    sut = await GatewayHarness.start();
    sut.replies = async (r) => {
      asked++;
      return {
        type: 'news',
        articles: [{ title: `第 ${asked} 次`, description: r.trigger, url: 'https://example.com/p' }],
      };
    };
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('publishes one event for a callback delivered three times, and answers every try the same bytes', async () => {
    const xml = sut.signer.xml({
      FromUserName: OPENID,
      MsgType: 'event',
      Event: 'SCAN',
      EventKey: 'sceneRetry',
    });
    const first = await sut.post(xml);
    const second = await sut.post(xml);
    const third = await sut.post(xml);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<Encrypt>');
    expect(second.body).toBe(first.body);
    expect(third.body).toBe(first.body);
    const events = (await sut.events()).filter((e) => e.data.scene === 'sceneRetry');
    expect(events).toHaveLength(1);
    expect(sut.replyRequests.filter((r) => r.trigger === 'scan' && r.scene === 'sceneRetry')).toHaveLength(1);
    expect(await sut.metric('wechat_callback_requests_total', { method: 'POST', outcome: 'duplicate' })).toBe(
      2,
    );
  });

  it('publishes one event when two deliveries of a text message arrive at once', async () => {
    const xml = sut.signer.xml({
      FromUserName: OPENID,
      MsgType: 'text',
      Content: 'hi',
      MsgId: '7000000000000001',
    });
    const [a, b] = await Promise.all([sut.post(xml), sut.post(xml)]);
    expect(a.status).toBe(200);
    expect(b.body).toBe(a.body);
    expect((await sut.events()).filter((e) => e.msgID === 'wx-msg-7000000000000001')).toHaveLength(1);
  });

  it('tells two different events of one customer in the same second apart', async () => {
    const createTime = Math.floor(Date.now() / 1000);
    const base = { FromUserName: OPENID, MsgType: 'event', CreateTime: createTime };
    await sut.post(sut.signer.xml({ ...base, Event: 'SCAN', EventKey: 'sceneTwinA' }));
    await sut.post(sut.signer.xml({ ...base, Event: 'SCAN', EventKey: 'sceneTwinB' }));
    const scenes = (await sut.events()).map((e) => e.data.scene);
    expect(scenes).toEqual(expect.arrayContaining(['sceneTwinA', 'sceneTwinB']));
  });
});

describe('CallbackService de-duplication without Redis', () => {
  it('still publishes one event per callback, through the JetStream msgID, and keeps answering', async () => {
    const sut = await GatewayHarness.start({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const xml = sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'unsubscribe' });
      expect((await sut.post(xml)).status).toBe(200);
      expect((await sut.post(xml)).status).toBe(200);
      const events = await sut.events();
      expect(events.map((e) => e.subject)).toEqual([Events.userUnsubscribed.subject]);
      expect(await sut.metric('wechat_guard_degraded_total', { operation: 'claim' })).toBe(2);
    } finally {
      await sut.stop();
    }
  });
});

describe.each(['same', 'fresh-nonce'] as const)(
  'CallbackService with the WeChat sandbox retrying %s',
  (mode) => {
    let sut: GatewayHarness;
    let sandbox: WeChatSandbox;

    beforeAll(async () => {
      sut = await GatewayHarness.start();
      sandbox = await startSandbox({
        port: 0,
        appId: APP_ID,
        token: TOKEN,
        encodingAesKey: AES_KEY,
        accountId: sut.signer.accountId,
        callbackUrl: `${sut.url}/wechat`,
        // Shorter than binding's answer below, so the sandbox gives up on the first try and retries.
        callbackTimeoutMs: 300,
        callbackRetryMode: mode,
      });
    });
    afterAll(async () => {
      await sandbox?.close();
      await sut?.stop();
    });

    it('gives a retry that arrives while the first try is still waiting on binding the first try reply', async () => {
      sut.replies = async () => {
        await sleep(500);
        return {
          type: 'news',
          articles: [{ title: '照片', description: '点击查看', url: 'https://example.com/me' }],
        };
      };
      const ticket = sandbox.tickets.create('QR_STR_SCENE', 'sceneSandbox', 600);
      const delivery = await sandbox.scan({ openid: OPENID, ticket: ticket.ticket });
      expect(delivery.attempts.length).toBeGreaterThan(1);
      expect(delivery.attempts.every((a) => a.status === null || a.status === 200)).toBe(true);
      expect(delivery.delivered).toBe(true);
      expect(delivery.reply).toMatchObject({ type: 'news', problem: null });
      const events = await sut.events();
      expect(events.map((e) => e.subject)).toEqual([Events.qrScanned.subject, Events.userSubscribed.subject]);
      expect(events[0].data).toMatchObject({ scene: 'sceneSandbox', newFollower: true, needsPush: false });
      expect(sut.replyRequests).toHaveLength(1);
    });

    it('passes the sandbox checks for follows, unfollows and text', async () => {
      sut.replies = async () => ({ type: 'text', content: '您好' });
      expect((await sandbox.follow({ openid: 'oSandboxFollower01' })).reply?.type).toBe('success');
      expect((await sandbox.text({ openid: 'oSandboxFollower01', content: '照片' })).reply).toMatchObject({
        type: 'text',
        problem: null,
      });
      expect((await sandbox.unsubscribe({ openid: 'oSandboxFollower01' })).reply?.type).toBe('success');
    });
  },
);
