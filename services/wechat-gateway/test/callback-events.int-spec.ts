import { Events } from '@mirror/contracts';
import { GatewayHarness } from './support/gateway-harness';

const OPENID = 'oEvents_0123456789';

/** Every kind of callback becomes the right wechat.* event(s), with the right payload, in safe mode. */
describe('CallbackController events', () => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start();
  });
  afterAll(async () => {
    await sut?.stop();
  });

  let seen = 0;
  /** The events published since the last call. */
  async function newEvents() {
    const all = await sut.events();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  }

  async function deliver(fields: Record<string, string | number>) {
    const xml = sut.signer.xml({ FromUserName: OPENID, ...fields });
    const res = await sut.post(xml);
    expect(res.status).toBe(200);
    return { res, events: await newEvents() };
  }

  it('turns a follow through a scene QR into wechat.qr.scanned (new follower) and wechat.user.subscribed', async () => {
    const { events } = await deliver({
      MsgType: 'event',
      Event: 'subscribe',
      EventKey: 'qrscene_sceneA1',
      Ticket: 'gQHt8DwAAAAAAAAAAS5odHRwOi8vd2VpeGluLnFxLmNvbS9xLzAy+/=',
      CreateTime: 1700000000,
    });
    expect(events.map((e) => e.subject)).toEqual([Events.qrScanned.subject, Events.userSubscribed.subject]);
    const [scanned, subscribed] = events;
    expect(scanned.data).toEqual({
      v: 1,
      eventId: scanned.msgID,
      openid: OPENID,
      at: '2023-11-14T22:13:20.000Z',
      scene: 'sceneA1',
      ticket: 'gQHt8DwAAAAAAAAAAS5odHRwOi8vd2VpeGluLnFxLmNvbS9xLzAy+/=',
      newFollower: true,
      needsPush: true,
    });
    expect(subscribed.data).toMatchObject({ openid: OPENID, scene: 'sceneA1', eventId: subscribed.msgID });
    expect(subscribed.msgID).not.toBe(scanned.msgID);
  });

  it('turns a SCAN into wechat.qr.scanned for a returning follower', async () => {
    const { events } = await deliver({ MsgType: 'event', Event: 'SCAN', EventKey: 'sceneB2', Ticket: 'tkt' });
    expect(events).toHaveLength(1);
    expect(events[0].subject).toBe(Events.qrScanned.subject);
    expect(events[0].data).toMatchObject({ scene: 'sceneB2', newFollower: false, ticket: 'tkt' });
  });

  it('strips only the leading qrscene_ so a scene that contains it survives', async () => {
    const follow = await deliver({
      MsgType: 'event',
      Event: 'subscribe',
      EventKey: 'qrscene_qrscene_x',
      Ticket: 't1',
    });
    expect(follow.events[0].data.scene).toBe('qrscene_x');
    const scan = await deliver({ MsgType: 'event', Event: 'SCAN', EventKey: 'qrscene_y', Ticket: 't2' });
    expect(scan.events[0].data.scene).toBe('qrscene_y');
  });

  it('turns a plain follow into wechat.user.subscribed only', async () => {
    const { events } = await deliver({ MsgType: 'event', Event: 'subscribe', EventKey: '' });
    expect(events.map((e) => e.subject)).toEqual([Events.userSubscribed.subject]);
    expect(events[0].data.scene).toBeUndefined();
  });

  it('turns an unfollow into wechat.user.unsubscribed', async () => {
    const { events } = await deliver({ MsgType: 'event', Event: 'unsubscribe' });
    expect(events.map((e) => e.subject)).toEqual([Events.userUnsubscribed.subject]);
    expect(events[0].data).toMatchObject({ openid: OPENID });
  });

  it.each([
    'user_scan_product',
    'user_scan_product_enter_session',
    'user_scan_product_async',
    'user_scan_product_verify_action',
  ])('turns %s into wechat.product.scanned', async (event) => {
    const { events } = await deliver({
      MsgType: 'event',
      Event: event,
      KeyStandard: 'ean13',
      KeyStr: '6901234567892',
      ExtInfo: 'shelf-7',
    });
    expect(events.map((e) => e.subject)).toEqual([Events.productScanned.subject]);
    expect(events[0].data).toMatchObject({
      event,
      keyStandard: 'ean13',
      keyStr: '6901234567892',
      extInfo: 'shelf-7',
    });
  });

  it('turns a follow through a product code into wechat.product.scanned and wechat.user.subscribed', async () => {
    const { events } = await deliver({
      MsgType: 'event',
      Event: 'subscribe',
      EventKey: 'qrscene_shop1|ean13|6901234567892|promo',
    });
    expect(events.map((e) => e.subject)).toEqual([
      Events.productScanned.subject,
      Events.userSubscribed.subject,
    ]);
    expect(events[0].data).toMatchObject({
      event: 'subscribe',
      keyStandard: 'ean13',
      keyStr: '6901234567892',
      extInfo: 'promo',
    });
  });

  it('turns a text message into wechat.message.received with its content', async () => {
    const { events } = await deliver({
      MsgType: 'text',
      Content: '我的照片 ]]> <b>',
      MsgId: '23456789012345678',
    });
    expect(events.map((e) => e.subject)).toEqual([Events.messageReceived.subject]);
    expect(events[0].msgID).toBe('wx-msg-23456789012345678');
    expect(events[0].data).toMatchObject({
      msgType: 'text',
      msgId: '23456789012345678',
      content: '我的照片 ]]> <b>',
      needsPush: true,
    });
  });

  it('passes other message types on as wechat.message.received', async () => {
    const { events } = await deliver({
      MsgType: 'image',
      PicUrl: 'http://mmbiz.qpic.cn/x.jpg',
      MediaId: 'media1',
      MsgId: '34567890123456789',
    });
    expect(events[0].subject).toBe(Events.messageReceived.subject);
    expect(events[0].data).toMatchObject({
      msgType: 'image',
      msgId: '34567890123456789',
      needsPush: false,
      fields: expect.objectContaining({ MediaId: 'media1', PicUrl: 'http://mmbiz.qpic.cn/x.jpg' }),
    });
  });

  it('passes unknown events and unknown message types on, never failing on them', async () => {
    const click = await deliver({ MsgType: 'event', Event: 'CLICK', EventKey: 'MENU_PHOTOS' });
    expect(click.events[0]).toMatchObject({
      subject: Events.messageReceived.subject,
      data: expect.objectContaining({ msgType: 'event', event: 'CLICK' }),
    });
    const future = await deliver({ MsgType: 'hologram', Payload: 'x' });
    expect(future.events[0].data).toMatchObject({
      msgType: 'hologram',
      fields: expect.objectContaining({ Payload: 'x' }),
    });
    const nested = await deliver({
      MsgType: 'event',
      Event: 'scancode_waitmsg',
      EventKey: 'k',
      ScanCodeInfo: { ScanType: 'qrcode', ScanResult: 'abc' } as never,
    });
    expect(JSON.parse((nested.events[0].data.fields as Record<string, string>).ScanCodeInfo)).toEqual({
      ScanType: 'qrcode',
      ScanResult: 'abc',
    });
  });
});

describe('CallbackController modes', () => {
  it('accepts plaintext callbacks when no EncodingAESKey is configured', async () => {
    const sut = await GatewayHarness.start({ aesKey: null });
    try {
      const xml = sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'unsubscribe' });
      expect((await sut.post(xml, { mode: 'plain' })).status).toBe(200);
      expect((await sut.events()).map((e) => e.subject)).toEqual([Events.userUnsubscribed.subject]);
    } finally {
      await sut.stop();
    }
  });

  it('accepts compatible-mode callbacks and reads the encrypted copy', async () => {
    const sut = await GatewayHarness.start();
    try {
      const xml = sut.signer.xml({
        FromUserName: OPENID,
        MsgType: 'event',
        Event: 'SCAN',
        EventKey: 'compat1',
      });
      expect((await sut.post(xml, { mode: 'compat' })).status).toBe(200);
      expect((await sut.events())[0].data).toMatchObject({ scene: 'compat1' });
    } finally {
      await sut.stop();
    }
  });
});
