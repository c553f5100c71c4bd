import {
  buildTextReply,
  parseCallbackMessage,
  parseXml,
  verifySignature,
  WeChatMessageCrypto,
  xmlText,
} from '@mirror/wechat';
import { startSandbox, WeChatSandbox } from '../src';
import { CallbackReceiver, ReceivedCallback, sleep } from './callback-receiver';

const TOKEN = 'gatewaytoken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SECRET = 'sandbox-secret-for-tests';

describe(`${WeChatSandbox.name} callbacks`, () => {
  let receiver: CallbackReceiver;
  let sut: WeChatSandbox;

  async function start(options: Parameters<typeof startSandbox>[0] = {}): Promise<void> {
    sut = await startSandbox({ appSecret: SECRET, token: TOKEN, callbackUrl: receiver.url, ...options });
  }

  async function ticketFor(scene: string): Promise<string> {
    const tokenAnswer = await fetch(
      `${sut.url}/cgi-bin/token?grant_type=client_credential&appid=${sut.appId}&secret=${SECRET}`,
    );
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    const created = await fetch(`${sut.url}/cgi-bin/qrcode/create?access_token=${access_token}`, {
      method: 'POST',
      body: JSON.stringify({
        expire_seconds: 600,
        action_name: 'QR_STR_SCENE',
        action_info: { scene: { scene_str: scene } },
      }),
    });
    return ((await created.json()) as { ticket: string }).ticket;
  }

  beforeEach(async () => {
    receiver = await new CallbackReceiver(async () => ({ body: 'success' })).start();
  });

  afterEach(async () => {
    await sut?.close();
    await receiver.stop();
  });

  describe('plaintext mode', () => {
    beforeEach(() => start());

    it('sends subscribe with qrscene_ and the ticket on the first scan, SCAN after', async () => {
      const ticket = await ticketFor('qrscene_inner');
      await sut.scan({ openid: 'oAlice', ticket });
      await sut.scan({ openid: 'oAlice', ticket });
      const [first, second] = receiver.received.map((c) => parseCallbackMessage(c.body));
      expect(first).toMatchObject({
        kind: 'subscribe',
        openid: 'oAlice',
        qr: { scene: 'qrscene_inner', ticket },
      });
      expect(xmlText(first.fields, 'EventKey')).toBe('qrscene_qrscene_inner');
      expect(second).toMatchObject({ kind: 'scan', qr: { scene: 'qrscene_inner', ticket } });
      expect(first.toUserName).toBe(sut.accountId);
    });

    it('scans by the QR URL as well as by ticket', async () => {
      const ticket = await ticketFor('by-url');
      const url = sut.ticketList().find((t) => t.ticket === ticket)!.url;
      await sut.scan({ openid: 'oAlice', url });
      expect(parseCallbackMessage(receiver.received[0].body)).toMatchObject({ qr: { scene: 'by-url' } });
    });

    it('signs every callback with the token, and passes the openid', async () => {
      await sut.follow({ openid: 'oAlice' });
      const { query } = receiver.received[0];
      expect(verifySignature(TOKEN, Object.fromEntries(query))).toBe(true);
      expect(verifySignature('othertoken', Object.fromEntries(query))).toBe(false);
      expect(query.get('openid')).toBe('oAlice');
      expect(query.has('encrypt_type')).toBe(false);
    });

    it('sends unsubscribe and text messages with a MsgId', async () => {
      await sut.unsubscribe({ openid: 'oAlice' });
      await sut.text({ openid: 'oAlice', content: '我的照片 ]]> please' });
      const [unsubscribe, text] = receiver.received.map((c) => parseCallbackMessage(c.body));
      expect(unsubscribe).toMatchObject({ kind: 'unsubscribe' });
      expect(text).toMatchObject({
        kind: 'text',
        content: '我的照片 ]]> please',
        msgId: expect.stringMatching(/^\d+$/),
      });
    });

    it('pushes arbitrary events such as product scans', async () => {
      await sut.pushEvent({
        openid: 'oAlice',
        event: 'user_scan_product',
        fields: { KeyStandard: 'ean13', KeyStr: '6901234567892' },
      });
      expect(parseCallbackMessage(receiver.received[0].body)).toMatchObject({
        kind: 'product-scan',
        product: { keyStandard: 'ean13', keyStr: '6901234567892' },
      });
    });

    it('refuses to scan an unknown ticket', async () => {
      await expect(sut.scan({ openid: 'oAlice', ticket: 'nope' })).rejects.toMatchObject({ status: 404 });
      expect(receiver.received).toHaveLength(0);
    });

    it('records a passive reply and checks its addressing', async () => {
      receiver.setResponder(async (callback) => {
        const message = parseCallbackMessage(callback.body);
        return {
          body: buildTextReply({ toUser: message.openid, fromUser: message.toUserName, content: 'hi]]>' }),
        };
      });
      await sut.follow({ openid: 'oAlice' });
      expect(sut.replies('oAlice')).toEqual([
        expect.objectContaining({
          kind: 'subscribe',
          attempts: 1,
          reply: expect.objectContaining({ type: 'text', problem: null }),
        }),
      ]);
      expect(xmlText(sut.replies()[0].reply.fields!, 'Content')).toBe('hi]]>');
    });

    it('flags a reply addressed to someone else', async () => {
      receiver.setResponder(async () => ({
        body: buildTextReply({ toUser: 'oMallory', fromUser: sut.accountId, content: 'x' }),
      }));
      await sut.follow({ openid: 'oAlice' });
      expect(sut.replies()[0].reply).toMatchObject({
        type: 'invalid',
        problem: expect.stringMatching(/ToUserName/),
      });
    });
  });

  describe('retries', () => {
    beforeEach(() => start({ callbackTimeoutMs: 300 }));

    it.each([
      ['same', 1],
      ['fresh-nonce', 3],
    ] as const)(
      'retries a slow gateway with the same body (%s), 3 tries in all, and records the reply of the one that answers',
      async (retryMode, distinctNonces) => {
        await sut.close();
        await start({ callbackTimeoutMs: 300, callbackRetryMode: retryMode });
        receiver.setResponder(async (_callback, index) => {
          if (index < 2) await sleep(1000);
          return { body: 'success' };
        });
        const delivery = await sut.text({ openid: 'oAlice', content: 'hello' });
        expect(receiver.received).toHaveLength(3);
        const bodies = new Set(receiver.received.map((c) => c.body));
        expect(bodies.size).toBe(1);
        expect(delivery.attempts.map((a) => a.error ?? a.status)).toEqual([
          'no answer within 300 ms',
          'no answer within 300 ms',
          200,
        ]);
        expect(delivery).toMatchObject({ delivered: true, reply: { type: 'success' } });
        const nonces = receiver.received.map((c) => c.query.get('nonce'));
        expect(new Set(nonces).size).toBe(distinctNonces);
        for (const callback of receiver.received)
          expect(verifySignature(TOKEN, Object.fromEntries(callback.query))).toBe(true);
      },
    );

    it('gives up after 3 tries when the gateway never answers', async () => {
      receiver.setResponder(async () => {
        await sleep(1000);
        return { body: 'success' };
      });
      const delivery = await sut.follow({ openid: 'oAlice' });
      expect(receiver.received).toHaveLength(3);
      expect(delivery.delivered).toBe(false);
      expect(delivery.reply).toBeNull();
    });

    it('retries after an HTTP error', async () => {
      receiver.setResponder(async (_callback, index) => ({
        status: index === 0 ? 500 : 200,
        body: 'success',
      }));
      const delivery = await sut.follow({ openid: 'oAlice' });
      expect(delivery.attempts.map((a) => a.status)).toEqual([500, 200]);
    });
  });

  describe('safe mode', () => {
    const gatewayCrypto = () =>
      new WeChatMessageCrypto({ token: TOKEN, encodingAesKey: AES_KEY, appId: sut.appId });

    function open(callback: ReceivedCallback): string {
      const envelope = parseXml(callback.body);
      return gatewayCrypto().open(xmlText(envelope, 'Encrypt')!, {
        msgSignature: callback.query.get('msg_signature'),
        timestamp: callback.query.get('timestamp')!,
        nonce: callback.query.get('nonce')!,
      });
    }

    it('encrypts callbacks and signs them with msg_signature', async () => {
      await start({ encodingAesKey: AES_KEY });
      const ticket = await ticketFor('safe-scene');
      await sut.scan({ openid: 'oAlice', ticket });
      const [callback] = receiver.received;
      expect(callback.query.get('encrypt_type')).toBe('aes');
      expect(verifySignature(TOKEN, Object.fromEntries(callback.query))).toBe(true);
      const envelope = parseXml(callback.body);
      expect(Object.keys(envelope).sort()).toEqual(['Encrypt', 'ToUserName']);
      expect(parseCallbackMessage(open(callback))).toMatchObject({
        kind: 'subscribe',
        qr: { scene: 'safe-scene', ticket },
      });
    });

    it('sends plaintext and Encrypt together in compatible mode', async () => {
      await start({ encodingAesKey: AES_KEY, callbackMode: 'compat' });
      await sut.follow({ openid: 'oAlice' });
      const [callback] = receiver.received;
      expect(parseCallbackMessage(callback.body)).toMatchObject({ kind: 'subscribe' });
      expect(parseCallbackMessage(open(callback))).toMatchObject({ kind: 'subscribe' });
    });

    it('decrypts an encrypted reply and flags a plaintext one', async () => {
      await start({ encodingAesKey: AES_KEY });
      receiver.setResponder(async (callback) => {
        const message = parseCallbackMessage(open(callback));
        const reply = buildTextReply({
          toUser: message.openid,
          fromUser: message.toUserName,
          content: 'sealed',
        });
        return { body: message.kind === 'text' ? reply : gatewayCrypto().sealReply(reply) };
      });
      await sut.follow({ openid: 'oAlice' });
      await sut.text({ openid: 'oAlice', content: 'hi' });
      const [sealed, plain] = sut.replies();
      expect(sealed.reply).toMatchObject({ type: 'text', problem: null });
      expect(xmlText(sealed.reply.fields!, 'Content')).toBe('sealed');
      expect(plain.reply).toMatchObject({
        type: 'invalid',
        problem: expect.stringMatching(/encrypted reply/),
      });
    });
  });

  describe('control API over HTTP', () => {
    beforeEach(() => start());

    it('scans through POST /_sandbox/scan and lists replies', async () => {
      const ticket = await ticketFor('http-scene');
      const response = await fetch(`${sut.url}/_sandbox/scan`, {
        method: 'POST',
        body: JSON.stringify({ openid: 'oAlice', ticket }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ kind: 'subscribe', delivered: true });
      const replies = (await (await fetch(`${sut.url}/_sandbox/replies?openid=oAlice`)).json()) as unknown[];
      expect(replies).toEqual([
        expect.objectContaining({ kind: 'subscribe', reply: expect.objectContaining({ type: 'success' }) }),
      ]);
    });
  });
});
