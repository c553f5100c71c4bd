import { Events, decode } from '@mirror/contracts';
import { buildXml, parseCallbackMessage, type XmlBuildRecord } from '@mirror/wechat';
import { finalEvent, planCallback } from '../../src/callback/callback-plan';
import { InvalidEventError } from '../../src/callback/callback.errors';

const OPENID = 'oPlan_0123456789';
const message = (fields: XmlBuildRecord) =>
  parseCallbackMessage(
    buildXml({ ToUserName: 'gh_x', FromUserName: OPENID, CreateTime: 1700000000, ...fields }),
  );

describe(planCallback.name, () => {
  it('plans a QR follow as qr.scanned (awaiting the reply) plus user.subscribed, and asks binding', () => {
    const sut = planCallback(
      message({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_abc', Ticket: 't' }),
    );
    expect(sut.events.map((e) => [e.contract.subject, e.awaitsReply])).toEqual([
      [Events.qrScanned.subject, true],
      [Events.userSubscribed.subject, false],
    ]);
    expect(sut.events[0].msgID).toBe(sut.eventId);
    expect(sut.events[1].msgID).toBe(`${sut.eventId}-subscribed`);
    expect(sut.events[1].payload.eventId).toBe(sut.events[1].msgID);
    expect(sut.replyRequest).toEqual({
      v: 1,
      trigger: 'scan',
      eventId: sut.eventId,
      openid: OPENID,
      scene: 'abc',
    });
  });

  it('keeps a qrscene_ that is part of the scene itself', () => {
    const follow = planCallback(
      message({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_qrscene_1', Ticket: 't' }),
    );
    expect(follow.events[0].payload.scene).toBe('qrscene_1');
    const scan = planCallback(message({ MsgType: 'event', Event: 'SCAN', EventKey: 'qrscene_2' }));
    expect(scan.events[0].payload.scene).toBe('qrscene_2');
  });

  it('gives every retry of the same callback the same event id, and different callbacks different ones', () => {
    const fields = { MsgType: 'event', Event: 'SCAN', EventKey: 's1' };
    expect(planCallback(message(fields)).eventId).toBe(planCallback(message(fields)).eventId);
    expect(planCallback(message(fields)).eventId).not.toBe(
      planCallback(message({ ...fields, EventKey: 's2' })).eventId,
    );
  });

  it('stamps events with the moment WeChat recorded', () => {
    const sut = planCallback(message({ MsgType: 'event', Event: 'unsubscribe' }));
    expect(sut.events[0].payload.at).toBe('2023-11-14T22:13:20.000Z');
  });

  it('asks binding about a text message with at most 2048 characters, keeping the full text in the event', () => {
    const long = '好'.repeat(3000);
    const sut = planCallback(message({ MsgType: 'text', Content: long, MsgId: '1' }));
    expect(sut.replyRequest).toMatchObject({ trigger: 'text', content: long.slice(0, 2048) });
    expect(sut.events[0].payload.content).toBe(long);
    expect(sut.events[0].awaitsReply).toBe(true);
  });

  it('does not cut an emoji in half when shortening a text for binding', () => {
    const sut = planCallback(message({ MsgType: 'text', Content: 'a' + '😀'.repeat(1500), MsgId: '2' }));
    const content = (sut.replyRequest as { content: string }).content;
    expect(content.length).toBe(2047);
    expect(content.endsWith('😀')).toBe(true);
  });

  it('never forwards the ciphertext of a compatible-mode callback among the fields', () => {
    const sut = planCallback(message({ MsgType: 'location', Location_X: '1', Encrypt: 'abc' }));
    expect(sut.events[0].payload.fields).toEqual(expect.not.objectContaining({ Encrypt: expect.anything() }));
  });

  it('does not ask binding about product scans, follows without a scene or other events', () => {
    for (const fields of [
      { MsgType: 'event', Event: 'user_scan_product_async', KeyStandard: 'ean13', KeyStr: '1' },
      { MsgType: 'event', Event: 'subscribe' },
      { MsgType: 'event', Event: 'VIEW', EventKey: 'https://x' },
    ]) {
      expect(planCallback(message(fields)).replyRequest).toBeNull();
    }
  });

  it('refuses a callback whose openid or scene cannot make a valid event', () => {
    expect(() =>
      planCallback(
        parseCallbackMessage(
          buildXml({
            ToUserName: 'g',
            FromUserName: 'bad id',
            CreateTime: 1,
            MsgType: 'event',
            Event: 'unsubscribe',
          }),
        ),
      ),
    ).toThrow(InvalidEventError);
    expect(() =>
      planCallback(message({ MsgType: 'event', Event: 'SCAN', EventKey: 'x'.repeat(65) })),
    ).toThrow(InvalidEventError);
  });

  it('encodes every event through its contract, one that awaits the reply as it goes out with a passive reply', () => {
    const sut = planCallback(message({ MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_abc' }));
    const [scanned, subscribed] = sut.events;
    expect(decode(Events.qrScanned, scanned.data)).toMatchObject({ scene: 'abc', needsPush: false });
    expect(decode(Events.userSubscribed, subscribed.data)).toMatchObject({ scene: 'abc' });
    expect(finalEvent(scanned, false)).toBe(scanned);
    expect(finalEvent(subscribed, true)).toBe(subscribed);
  });

  it('publishes needsPush in the bytes of an event whose reply did not come, encoded whole again', () => {
    const [text] = planCallback(message({ MsgType: 'text', Content: 'hi', MsgId: '3' })).events;
    const sut = finalEvent(text, true);
    expect(sut).toMatchObject({ msgID: text.msgID, awaitsReply: true, payload: { needsPush: true } });
    expect(decode(Events.messageReceived, sut.data)).toEqual({
      ...decode(Events.messageReceived, text.data),
      needsPush: true,
    });
  });
});
