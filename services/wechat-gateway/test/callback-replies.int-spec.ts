import { Events } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { parseXml, xmlText, type XmlRecord } from '@mirror/wechat';
import { GatewayHarness, sleep } from './support/gateway-harness';

const OPENID = 'oReplies_0123456789';

function news(fields: XmlRecord) {
  const articles = fields.Articles as XmlRecord;
  return articles.item as XmlRecord;
}

/** Passive replies: binding asked within the budget, the event published first, `needsPush` when no reply. */
describe('CallbackService replies', () => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start({ env: { WECHAT_REPLY_BUDGET_MS: '600' } });
  });
  afterAll(async () => {
    await sut?.stop();
  });
  beforeEach(() => {
    sut.replyRequests.length = 0;
  });

  const scan = (scene: string) =>
    sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'SCAN', EventKey: scene, Ticket: 't' });
  const lastEvent = async () => (await sut.events()).at(-1)!;

  it('answers a scan with binding news reply, encrypted and signed, and publishes needsPush=false', async () => {
    sut.replies = async () => ({
      type: 'news',
      articles: [
        {
          title: '您的试衣照片 ]]> 已就绪',
          description: '共 3 张，点击查看',
          picUrl: 'https://photos.example.com/t.jpg',
          url: 'https://open.example.com/connect/oauth2/authorize?appid=wx&state=a.b.c.d#wechat_redirect',
        },
      ],
    });
    const res = await sut.post(scan('sceneNews'));
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Encrypt>');
    const reply = parseXml(sut.signer.openReply(res.body));
    expect(xmlText(reply, 'ToUserName')).toBe(OPENID);
    expect(xmlText(reply, 'FromUserName')).toBe(sut.signer.accountId);
    expect(xmlText(reply, 'MsgType')).toBe('news');
    expect(xmlText(news(reply), 'Title')).toBe('您的试衣照片 ]]> 已就绪');
    expect(xmlText(news(reply), 'Url')).toContain('state=a.b.c.d#wechat_redirect');

    const [request] = sut.replyRequests;
    const event = await lastEvent();
    expect(request).toEqual({
      v: 1,
      trigger: 'scan',
      eventId: event.msgID,
      openid: OPENID,
      scene: 'sceneNews',
    });
    expect(event.data).toMatchObject({ scene: 'sceneNews', needsPush: false });
  });

  it('asks binding with the text of a message and answers its text reply', async () => {
    sut.replies = async (r) => ({ type: 'text', content: `收到：${r.trigger === 'text' ? r.content : ''}` });
    const res = await sut.post(
      sut.signer.xml({
        FromUserName: OPENID,
        MsgType: 'text',
        Content: '照片 ]]><x>',
        MsgId: '9000000000000001',
      }),
    );
    const reply = parseXml(sut.signer.openReply(res.body));
    expect(xmlText(reply, 'Content')).toBe('收到：照片 ]]><x>');
    expect(sut.replyRequests[0]).toMatchObject({ trigger: 'text', content: '照片 ]]><x>' });
    expect((await lastEvent()).data).toMatchObject({ msgType: 'text', needsPush: false });
  });

  it('answers success within the budget when binding is slow, and publishes needsPush=true', async () => {
    sut.replies = async () => {
      await sleep(2000);
      return { type: 'text', content: 'too late' };
    };
    const res = await sut.post(scan('sceneSlow'));
    expect(res.body).toBe('success');
    expect(res.ms).toBeLessThan(600 + 400);
    const event = await lastEvent();
    expect(event.subject).toBe(Events.qrScanned.subject);
    expect(event.data).toMatchObject({ scene: 'sceneSlow', needsPush: true });
    expect(await sut.metric('wechat_callback_replies_total', { source: 'timeout' })).toBe(1);
  });

  it('answers success and publishes needsPush=true when binding refuses', async () => {
    sut.replies = async () => {
      throw new RefusalError('NOT_FOUND', 'unknown scene');
    };
    const res = await sut.post(scan('sceneRefused'));
    expect(res.body).toBe('success');
    expect((await lastEvent()).data).toMatchObject({ scene: 'sceneRefused', needsPush: true });
  });

  it('answers success and publishes needsPush=true when binding has no reply to give', async () => {
    sut.replies = async () => ({ type: 'none' });
    const res = await sut.post(scan('sceneNone'));
    expect(res.body).toBe('success');
    expect((await lastEvent()).data).toMatchObject({ scene: 'sceneNone', needsPush: true });
  });

  it('does not ask binding about follows, unfollows, product scans or other messages', async () => {
    for (const fields of [
      { MsgType: 'event', Event: 'subscribe' },
      { MsgType: 'event', Event: 'unsubscribe' },
      { MsgType: 'event', Event: 'user_scan_product', KeyStandard: 'ean13', KeyStr: '1' },
      { MsgType: 'voice', MediaId: 'm', MsgId: '9000000000000002' },
    ]) {
      const res = await sut.post(sut.signer.xml({ FromUserName: OPENID, ...fields }));
      expect(res.body).toBe('success');
    }
    expect(sut.replyRequests).toHaveLength(0);
  });
});

describe('CallbackService reply budget (default 3 s)', () => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('answers success inside WeChat 5 s when binding takes longer than the 3 s budget', async () => {
    sut.replies = async () => {
      await sleep(4500);
      return { type: 'text', content: 'too late' };
    };
    const xml = sut.signer.xml({
      FromUserName: OPENID,
      MsgType: 'event',
      Event: 'SCAN',
      EventKey: 'sceneBudget',
    });
    const res = await sut.post(xml);
    expect(res.body).toBe('success');
    expect(res.ms).toBeGreaterThanOrEqual(2900);
    expect(res.ms).toBeLessThan(3800);
    expect((await sut.events()).map((e) => e.data)).toEqual([
      expect.objectContaining({ scene: 'sceneBudget', needsPush: true }),
    ]);
  });
});

describe('CallbackService without binding', () => {
  it('answers success at once when nobody serves binding.reply.scan, with needsPush=true', async () => {
    const sut = await GatewayHarness.start({ binding: false });
    try {
      const xml = sut.signer.xml({
        FromUserName: OPENID,
        MsgType: 'event',
        Event: 'SCAN',
        EventKey: 'sceneAlone',
      });
      const res = await sut.post(xml);
      expect(res.body).toBe('success');
      expect(res.ms).toBeLessThan(1000);
      expect((await sut.events())[0].data).toMatchObject({ needsPush: true });
      expect(await sut.metric('wechat_callback_replies_total', { source: 'no-responders' })).toBe(1);
    } finally {
      await sut.stop();
    }
  });
});
