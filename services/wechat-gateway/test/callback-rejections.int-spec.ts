import { computeSignature, createNonce } from '@mirror/wechat';
import { GatewayHarness } from './support/gateway-harness';

const OPENID = 'oReject_0123456789';

interface Case {
  name: string;
  send: (sut: GatewayHarness) => Promise<{ status: number; body: string }>;
  status: number;
  reason: string;
}

const scanXml = (sut: GatewayHarness, extra: Record<string, string> = {}) =>
  sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'SCAN', EventKey: 'sceneR', ...extra });
const ago = (seconds: number) => String(Math.floor(Date.now() / 1000) - seconds);
const getQuery = (
  token: string,
  timestamp: string,
  nonce = createNonce(10),
  echostr = '8812034567890123',
) => ({
  signature: computeSignature(token, timestamp, nonce),
  timestamp,
  nonce,
  echostr,
});

const SAFE_CASES: Case[] = [
  {
    name: 'a GET with a wrong signature',
    send: (sut) => sut.raw('GET', { ...getQuery('guess', ago(0)) }),
    status: 401,
    reason: 'bad-signature',
  },
  {
    name: 'a GET without a signature',
    send: (sut) => sut.raw('GET', { timestamp: ago(0), nonce: 'n1', echostr: '1' }),
    status: 401,
    reason: 'bad-signature',
  },
  {
    name: 'a GET with a stale timestamp',
    send: (sut) => sut.raw('GET', getQuery(sut.signer.token, ago(301))),
    status: 401,
    reason: 'stale-timestamp',
  },
  {
    name: 'a GET whose echostr is not a token WeChat sends',
    send: (sut) => sut.raw('GET', getQuery(sut.signer.token, ago(0), undefined, '<script>alert(1)</script>')),
    status: 400,
    reason: 'bad-echostr',
  },
  {
    name: 'a POST with a wrong signature',
    send: (sut) => sut.post(scanXml(sut), { signature: 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff' }),
    status: 401,
    reason: 'bad-signature',
  },
  {
    name: 'a POST signed with another token',
    send: (sut) => sut.post(scanXml(sut), { token: 'not-our-token' }),
    status: 401,
    reason: 'bad-signature',
  },
  {
    name: 'a POST with the signature given twice',
    send: (sut) => {
      const { query, body } = sut.signer.sign(scanXml(sut));
      return fetch(`${sut.url}/wechat?${new URLSearchParams(query)}&signature=${query.signature}`, {
        method: 'POST',
        body,
      }).then(async (r) => ({ status: r.status, body: await r.text() }));
    },
    status: 401,
    reason: 'bad-signature',
  },
  {
    name: 'a POST with a timestamp 301 s old',
    send: (sut) => sut.post(scanXml(sut), { timestamp: ago(301) }),
    status: 401,
    reason: 'stale-timestamp',
  },
  {
    name: 'a POST with a timestamp 301 s ahead',
    send: (sut) => sut.post(scanXml(sut), { timestamp: ago(-301) }),
    status: 401,
    reason: 'stale-timestamp',
  },
  {
    name: 'a POST whose signed timestamp is not a number',
    send: (sut) => sut.post(scanXml(sut), { timestamp: 'yesterday' }),
    status: 401,
    reason: 'stale-timestamp',
  },
  {
    name: 'a POST over 64 KB (declared)',
    send: (sut) => sut.post(scanXml(sut, { Pad: 'x'.repeat(70 * 1024) }), { mode: 'plain' }),
    status: 413,
    reason: 'body-too-large',
  },
  {
    name: 'a POST over 64 KB (streamed without a length)',
    send: (sut) => {
      const { query } = sut.signer.sign(scanXml(sut));
      const chunk = new TextEncoder().encode('<xml>' + 'y'.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 6) controller.enqueue(chunk);
          else controller.close();
        },
      });
      return fetch(`${sut.url}/wechat?${new URLSearchParams(query)}`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit).then(async (r) => ({ status: r.status, body: await r.text() }));
    },
    status: 413,
    reason: 'body-too-large',
  },
  {
    name: 'encrypted XML with a DOCTYPE (XXE)',
    send: (sut) =>
      sut.post(
        `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
          `<xml><ToUserName>gh_x</ToUserName><FromUserName>&xxe;</FromUserName><CreateTime>1</CreateTime>` +
          `<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>`,
      ),
    status: 400,
    reason: 'unsafe-xml',
  },
  {
    name: 'an envelope with entity declarations (billion laughs)',
    send: (sut) => {
      const { query } = sut.signer.sign('<xml/>');
      const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>';
      return sut.raw('POST', query, `${lol}<xml><Encrypt>&lol2;</Encrypt></xml>`);
    },
    status: 400,
    reason: 'unsafe-xml',
  },
  {
    name: 'malformed encrypted XML',
    send: (sut) => sut.post('<xml><ToUserName>gh<FromUserName></xml>'),
    status: 400,
    reason: 'malformed-xml',
  },
  {
    name: 'a body that is not XML at all',
    send: (sut) => {
      const { query } = sut.signer.sign('x');
      return sut.raw('POST', query, '{"json": true}');
    },
    status: 400,
    reason: 'malformed-xml',
  },
  {
    name: 'an empty body',
    send: (sut) => {
      const { query } = sut.signer.sign('x');
      return sut.raw('POST', query, '');
    },
    status: 400,
    reason: 'malformed-xml',
  },
  {
    name: 'a plaintext callback while safe mode is configured',
    send: (sut) => sut.post(scanXml(sut), { mode: 'plain' }),
    status: 400,
    reason: 'not-encrypted',
  },
  {
    name: 'a wrong msg_signature',
    send: (sut) => sut.post(scanXml(sut), { msgSignature: '0'.repeat(40) }),
    status: 401,
    reason: 'bad-msg-signature',
  },
  {
    name: 'a ciphertext that does not decrypt',
    send: (sut) => sut.post(scanXml(sut), { encrypt: Buffer.alloc(48, 7).toString('base64') }),
    status: 400,
    reason: 'decrypt-failed',
  },
  {
    name: 'a ciphertext that is not Base64',
    send: (sut) => sut.post(scanXml(sut), { encrypt: 'not base64 at all!' }),
    status: 400,
    reason: 'decrypt-failed',
  },
  {
    name: 'a message encrypted for another AppID',
    send: (sut) => sut.post(scanXml(sut), { appId: 'wxsomeoneelse00001' }),
    status: 400,
    reason: 'appid-mismatch',
  },
  {
    name: 'a callback without FromUserName',
    send: (sut) => sut.post(sut.signer.xml({ MsgType: 'event', Event: 'unsubscribe' })),
    status: 400,
    reason: 'invalid-message',
  },
  {
    name: 'a SCAN without a scene',
    send: (sut) => sut.post(sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'SCAN' })),
    status: 400,
    reason: 'invalid-message',
  },
  {
    name: 'an openid that is not openid-shaped',
    send: (sut) =>
      sut.post(sut.signer.xml({ FromUserName: 'o bad/openid', MsgType: 'event', Event: 'unsubscribe' })),
    status: 400,
    reason: 'invalid-event',
  },
  {
    name: 'a scene longer than WeChat allows',
    send: (sut) => sut.post(scanXml(sut, { EventKey: 's'.repeat(65) })),
    status: 400,
    reason: 'invalid-event',
  },
];

describe('CallbackController rejections (safe mode)', () => {
  let sut: GatewayHarness;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    sut = await GatewayHarness.start();
    sut.replies = async () => ({ type: 'text', content: 'should never be asked' });
    warn = jest.spyOn(sut.logger, 'warn');
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it.each(SAFE_CASES.map((c) => [c.name, c] as const))(
    'refuses %s with a 4xx, a log line, a metric and nothing published',
    async (_name, c) => {
      const before = await sut.metric('wechat_callback_rejections_total', { reason: c.reason });
      warn.mockClear();
      const res = await c.send(sut);
      expect(res.status).toBe(c.status);
      expect(res.body).not.toMatch(/signature|token|AES|AppID|timestamp/i);
      expect(await sut.metric('wechat_callback_rejections_total', { reason: c.reason })).toBe(before + 1);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ reason: c.reason }), expect.any(String));
      expect(await sut.events()).toHaveLength(0);
      expect(sut.replyRequests).toHaveLength(0);
    },
  );

  it('answers a genuine GET with the echostr, and refuses the same GET replayed', async () => {
    const query = getQuery(sut.signer.token, ago(0));
    const first = await sut.raw('GET', query);
    expect(first).toMatchObject({ status: 200, body: query.echostr });
    const replay = await sut.raw('GET', query);
    expect(replay.status).toBe(401);
    expect(await sut.metric('wechat_callback_rejections_total', { reason: 'replayed-nonce' })).toBe(1);
  });

  it('answers the identical request repeated (same timestamp and nonce) as a retry, with the first reply', async () => {
    const { query, body } = sut.signer.sign(
      sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'unsubscribe' }),
    );
    const first = await sut.raw('POST', query, body);
    expect(first.status).toBe(200);
    const retry = await sut.raw('POST', query, body);
    expect(retry).toMatchObject({ status: 200, body: first.body });
    expect(await sut.events()).toHaveLength(1);
  });

  it('refuses a POST whose timestamp and nonce come back with another body, publishing nothing more', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'replayNonce1';
    const first = sut.signer.sign(
      sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'unsubscribe' }),
      { timestamp, nonce },
    );
    expect((await sut.raw('POST', first.query, first.body)).status).toBe(200);
    expect(await sut.events()).toHaveLength(1);
    const before = await sut.metric('wechat_callback_rejections_total', { reason: 'replayed-nonce' });
    const other = sut.signer.sign(
      sut.signer.xml({ FromUserName: OPENID, MsgType: 'text', Content: 'hi', MsgId: '7100000000000001' }),
      { timestamp, nonce },
    );
    const replay = await sut.raw('POST', other.query, other.body);
    expect(replay.status).toBe(401);
    expect(await sut.metric('wechat_callback_rejections_total', { reason: 'replayed-nonce' })).toBe(
      before + 1,
    );
    expect(await sut.events()).toHaveLength(1);
  });
});

describe('CallbackController rejections (plaintext mode)', () => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start({ aesKey: null });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('refuses a DOCTYPE in a plaintext callback', async () => {
    const xml = `<!DOCTYPE xml [<!ENTITY e "x">]><xml><ToUserName>gh</ToUserName><FromUserName>${OPENID}</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>`;
    expect((await sut.post(xml)).status).toBe(400);
    expect(await sut.metric('wechat_callback_rejections_total', { reason: 'unsafe-xml' })).toBe(1);
  });

  it('refuses an encrypted-only callback it has no key for', async () => {
    const res = await sut.raw(
      'POST',
      { ...sut.signer.sign('x').query, encrypt_type: 'aes', msg_signature: 'x' },
      '<xml><ToUserName>gh</ToUserName><Encrypt>abc</Encrypt></xml>',
    );
    expect(res.status).toBe(400);
    expect(await sut.metric('wechat_callback_rejections_total', { reason: 'decrypt-failed' })).toBe(1);
  });

  it('refuses an unsigned plaintext callback', async () => {
    const xml = sut.signer.xml({ FromUserName: OPENID, MsgType: 'event', Event: 'unsubscribe' });
    const res = await sut.raw('POST', { timestamp: ago(0), nonce: '1' }, xml);
    expect(res.status).toBe(401);
    expect(await sut.events()).toHaveLength(0);
  });
});
