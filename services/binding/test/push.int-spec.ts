import { ulid } from 'ulid';
import { Events } from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { BindingHarness, PUBLIC_BASE_URL } from './support/binding-harness';
import { FakePhotoStore } from './support/fake-photo-store';
import { opened } from './support/replies';
import { caughtUp } from './support/state';

const MIRROR = 'push-mirror-1';
const SEND = '/cgi-bin/message/custom/send';

describe('binding: customer-service message when the passive reply came too late', () => {
  let h: BindingHarness;

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  async function visitWithPhoto() {
    const s = h.newSession(MIRROR);
    const photo = h.photo(MIRROR, s.sessionId);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    await h.publish(Events.photoStored, photo);
    await caughtUp(h);
    return { s, photo };
  }

  it('pushes the reply exactly once, and never a fourth message in the minute after the scan', async () => {
    const alice = 'oAlicePush000000000000001';
    const { s, photo } = await visitWithPhoto();
    // the gateway's budget is too short for binding's answer
    h.gateway.budgetMs = 1;
    const delivery = await h.sandbox.scan({ openid: alice, ticket: s.ticket });
    expect(delivery.reply?.type).toBe('success');

    const [message] = await waitFor(() => {
      const sent = h.sandbox.sentMessages(alice);
      return sent.length > 0 && sent;
    });
    expect(message.msgtype).toBe('news');
    expect(message.articles).toEqual([
      expect.objectContaining({
        title: '您的试衣照片',
        description: expect.stringContaining('1 张照片'),
        picurl: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+/picture$`)),
        url: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+$`)),
      }),
    ]);
    expect(await opened(message.articles![0].picurl!)).toBe(FakePhotoStore.url(photo.photoId, 'thumb'));
    expect(await opened(message.articles![0].url!)).toContain(
      encodeURIComponent(`${PUBLIC_BASE_URL}/oauth/callback`),
    );
    expect(await h.rows('SELECT openid, status FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: alice, status: 'claimed' },
    ]);

    // the same scan delivered again (a crash after the push, before the ack): no second message
    const original = await h.bus.jsm.streams.getMessage(h.bus.ns.stream('WECHAT'), {
      last_by_subj: h.bus.ns.subject(Events.qrScanned.subject),
    });
    if (!original) throw new Error('the scan is not in the WECHAT stream');
    expect(original.json<{ openid: string; needsPush: boolean }>()).toMatchObject({
      openid: alice,
      needsPush: true,
    });
    await h.bus.publishBytes(Events.qrScanned.subject, original.data, { msgID: ulid() });
    await caughtUp(h);
    expect(h.sandbox.sentMessages(alice)).toHaveLength(1);

    // three more requests for the photos, all answered too late: WeChat allows 3 messages in the minute
    h.gateway.budgetMs = 1;
    for (let i = 0; i < 3; i++) await h.sandbox.text({ openid: alice, content: '照片' });
    await caughtUp(h);
    expect(h.sandbox.sentMessages(alice)).toHaveLength(3);
    expect(h.sandbox.count(SEND)).toBe(3);
    expect(h.sandbox.count(SEND, 45047)).toBe(0);
    expect(
      await h.rows('SELECT kind, status FROM push_records WHERE openid = $1 ORDER BY status, kind', [alice]),
    ).toEqual([
      { kind: 'news', status: 'sent' },
      { kind: 'text', status: 'sent' },
      { kind: 'text', status: 'sent' },
      { kind: 'text', status: 'skipped' },
    ]);
  }, 30_000);

  it('pushes once when binding was down during the scan and comes back', async () => {
    const bob = 'oBobPush00000000000000001';
    const { s } = await visitWithPhoto();
    h.photoStore.urlDelayMs = 0;
    h.gateway.budgetMs = 3000;
    h.sandbox.reset();
    await h.stop(h.apps[0]);
    const delivery = await h.sandbox.scan({ openid: bob, ticket: s.ticket });
    expect(delivery.reply?.type).toBe('success'); // no responders: the gateway answered success at once
    await h.start();
    await waitFor(() => h.sandbox.sentMessages(bob).length > 0);
    await caughtUp(h);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.sandbox.sentMessages(bob)).toHaveLength(1);
    expect(h.sandbox.count(SEND)).toBe(1);
    expect(await h.rows('SELECT openid, status FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: bob, status: 'claimed' },
    ]);
  }, 30_000);
});
