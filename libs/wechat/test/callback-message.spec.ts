import {
  buildXml,
  callbackDedupKey,
  CallbackMessage,
  InvalidCallbackMessageError,
  MalformedXmlError,
  parseCallbackMessage,
  UnsafeXmlError,
  XmlBuildRecord,
} from '@mirror/wechat';

const base = { ToUserName: 'gh_account', FromUserName: 'oCustomer123', CreateTime: 1700000000 };
const event = (fields: XmlBuildRecord): string => buildXml({ ...base, MsgType: 'event', ...fields });
const parse = (fields: XmlBuildRecord): CallbackMessage => parseCallbackMessage(event(fields));

describe('parseCallbackMessage', () => {
  it('reads the common fields', () => {
    const sut = parse({ Event: 'unsubscribe', EventKey: '' });
    expect(sut).toMatchObject({
      kind: 'unsubscribe',
      toUserName: 'gh_account',
      openid: 'oCustomer123',
      createTime: 1700000000,
      msgType: 'event',
    });
  });

  it('turns a follow by QR code into subscribe with the scene (prefix stripped) and ticket', () => {
    const sut = parse({ Event: 'subscribe', EventKey: 'qrscene_s3cr3t-Scene', Ticket: 'gQH+/=' });
    expect(sut).toMatchObject({ kind: 'subscribe', qr: { scene: 's3cr3t-Scene', ticket: 'gQH+/=' } });
  });

  it('strips only the leading qrscene_ so a scene containing it survives', () => {
    expect(parse({ Event: 'subscribe', EventKey: 'qrscene_qrscene_x', Ticket: 't' })).toMatchObject({
      qr: { scene: 'qrscene_x' },
    });
    expect(parse({ Event: 'subscribe', EventKey: 'qrscene_a_qrscene_b', Ticket: 't' })).toMatchObject({
      qr: { scene: 'a_qrscene_b' },
    });
  });

  it('turns a plain follow into subscribe without a QR', () => {
    expect(parse({ Event: 'subscribe' })).toMatchObject({ kind: 'subscribe', qr: null });
    expect(parse({ Event: 'subscribe', EventKey: '' })).toMatchObject({ kind: 'subscribe', qr: null });
  });

  it('turns SCAN into a scan with the bare scene, never stripping anything', () => {
    expect(parse({ Event: 'SCAN', EventKey: 'scene-1', Ticket: 'tk' })).toMatchObject({
      kind: 'scan',
      qr: { scene: 'scene-1', ticket: 'tk' },
    });
    expect(parse({ Event: 'SCAN', EventKey: 'qrscene_is_my_scene', Ticket: 'tk' })).toMatchObject({
      qr: { scene: 'qrscene_is_my_scene' },
    });
  });

  it('reads an integer scene of a QR_SCENE code as text', () => {
    expect(parse({ Event: 'SCAN', EventKey: '123', Ticket: 'tk' })).toMatchObject({ qr: { scene: '123' } });
  });

  it('refuses a SCAN without a scene', () => {
    expect(() => parse({ Event: 'SCAN', Ticket: 'tk' })).toThrow(InvalidCallbackMessageError);
  });

  it.each([
    'user_scan_product',
    'user_scan_product_enter_session',
    'user_scan_product_async',
    'user_scan_product_verify_action',
  ])('turns %s into a product scan', (name) => {
    const sut = parse({
      Event: name,
      KeyStandard: 'ean13',
      KeyStr: '6901234567892',
      ExtInfo: 'shelf-3',
      Scene: '2',
    });
    expect(sut).toMatchObject({
      kind: 'product-scan',
      event: name,
      product: { keyStandard: 'ean13', keyStr: '6901234567892', extInfo: 'shelf-3', scene: '2' },
    });
  });

  it('refuses a product scan without its code', () => {
    expect(() => parse({ Event: 'user_scan_product', KeyStandard: 'ean13' })).toThrow(/KeyStr/);
  });

  it('turns a follow from a product page (scene|keystandard|keystr|extinfo) into a product scan', () => {
    expect(parse({ Event: 'subscribe', EventKey: 'qrscene_2|ean13|6901234567892|ext' })).toMatchObject({
      kind: 'product-scan',
      event: 'subscribe',
      product: { scene: '2', keyStandard: 'ean13', keyStr: '6901234567892', extInfo: 'ext' },
    });
    expect(parse({ Event: 'subscribe', EventKey: '|ean13|6901234567892|' })).toMatchObject({
      kind: 'product-scan',
      product: { scene: null, extInfo: null },
    });
  });

  it('keeps a QR follow whose scene happens to contain pipes a QR follow (it has a ticket)', () => {
    expect(parse({ Event: 'subscribe', EventKey: 'qrscene_a|b|c|d', Ticket: 'tk' })).toMatchObject({
      kind: 'subscribe',
      qr: { scene: 'a|b|c|d' },
    });
  });

  it('reads a text message', () => {
    const sut = parseCallbackMessage(
      buildXml({ ...base, MsgType: 'text', Content: 'where are my photos? ]]>', MsgId: '23456789012345678' }),
    );
    expect(sut).toMatchObject({
      kind: 'text',
      content: 'where are my photos? ]]>',
      msgId: '23456789012345678',
    });
  });

  it('refuses a text message without MsgId or Content', () => {
    expect(() => parseCallbackMessage(buildXml({ ...base, MsgType: 'text', Content: 'x' }))).toThrow(/MsgId/);
    expect(() => parseCallbackMessage(buildXml({ ...base, MsgType: 'text', MsgId: '1' }))).toThrow(/Content/);
  });

  it('accepts other message types, known or not', () => {
    const image = parseCallbackMessage(
      buildXml({ ...base, MsgType: 'image', PicUrl: 'http://x', MsgId: '77' }),
    );
    expect(image).toMatchObject({ kind: 'message', msgType: 'image', msgId: '77' });
    expect(parseCallbackMessage(buildXml({ ...base, MsgType: 'hologram' }))).toMatchObject({
      kind: 'message',
      msgType: 'hologram',
      msgId: null,
    });
  });

  it('accepts other events, known or not', () => {
    expect(parse({ Event: 'CLICK', EventKey: 'MENU_1' })).toMatchObject({
      kind: 'event',
      event: 'CLICK',
      eventKey: 'MENU_1',
    });
    expect(parse({ Event: 'teleport' })).toMatchObject({ kind: 'event', event: 'teleport', eventKey: null });
  });

  it.each([
    ['ToUserName', { FromUserName: 'o', CreateTime: 1, MsgType: 'text' }],
    ['FromUserName', { ToUserName: 'gh', CreateTime: 1, MsgType: 'text' }],
    ['CreateTime', { ToUserName: 'gh', FromUserName: 'o', MsgType: 'text' }],
    ['MsgType', { ToUserName: 'gh', FromUserName: 'o', CreateTime: 1 }],
  ])('refuses a callback without %s', (field, fields) => {
    expect(() => parseCallbackMessage(buildXml(fields as XmlBuildRecord))).toThrow(
      new InvalidCallbackMessageError(field, 'is required'),
    );
  });

  it('refuses an event without Event', () => {
    expect(() => parseCallbackMessage(buildXml({ ...base, MsgType: 'event' }))).toThrow(/Event/);
  });

  it('refuses a CreateTime that is not whole seconds', () => {
    expect(() => parseCallbackMessage(buildXml({ ...base, CreateTime: '12a', MsgType: 'text' }))).toThrow(
      /CreateTime/,
    );
  });

  it('refuses a field given twice or as nested elements', () => {
    expect(() =>
      parseCallbackMessage(`<xml><ToUserName>a</ToUserName><ToUserName>b</ToUserName></xml>`),
    ).toThrow(InvalidCallbackMessageError);
    expect(() => parse({ Event: { nested: 'x' } })).toThrow(InvalidCallbackMessageError);
  });

  it('passes XML errors through as typed errors', () => {
    expect(() => parseCallbackMessage('<xml><A>')).toThrow(MalformedXmlError);
    expect(() => parseCallbackMessage('<!DOCTYPE x><xml/>')).toThrow(UnsafeXmlError);
  });
});

describe('callbackDedupKey', () => {
  it('uses MsgId for messages', () => {
    const sut = parseCallbackMessage(buildXml({ ...base, MsgType: 'text', Content: 'x', MsgId: '1234567' }));
    expect(callbackDedupKey(sut)).toBe('wx-msg-1234567');
  });

  it('gives a retried event the same key', () => {
    const first = parse({ Event: 'SCAN', EventKey: 'scene', Ticket: 't1' });
    const retry = parse({ Event: 'SCAN', EventKey: 'scene', Ticket: 't1' });
    expect(callbackDedupKey(retry)).toBe(callbackDedupKey(first));
    expect(callbackDedupKey(first)).toMatch(/^wx-evt-[0-9a-f]{40}$/);
  });

  it('tells apart events that differ in time, sender, type or key', () => {
    const keys = new Set(
      [
        parse({ Event: 'SCAN', EventKey: 'scene' }),
        parse({ Event: 'SCAN', EventKey: 'scene2' }),
        parse({ Event: 'subscribe', EventKey: 'qrscene_scene' }),
        parseCallbackMessage(event({ Event: 'SCAN', EventKey: 'scene', CreateTime: 1700000001 })),
        parseCallbackMessage(event({ Event: 'SCAN', EventKey: 'scene', FromUserName: 'oOther' })),
      ].map(callbackDedupKey),
    );
    expect(keys.size).toBe(5);
  });
});
