import { ulid } from 'ulid';
import { Events, Requests } from '@mirror/contracts';
import { BindingHarness } from './support/binding-harness';
import { replyOf } from './support/replies';
import { caughtUp, snapshot } from './support/state';

type Step = { name: string; publish: () => Promise<unknown> };

/** One visit as the events that describe it; `steps` can be published in any order. */
function visit(h: BindingHarness, mirrorId: string, openid: string) {
  const s = h.newSession(mirrorId);
  const t0 = Date.now() - 60_000;
  const iso = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const named = h.photo(mirrorId, s.sessionId, new Date(t0 + 10_000));
  const unnamed = h.photo(mirrorId, undefined, new Date(t0 + 20_000));
  const scanEventId = `wx-evt-${ulid()}`;
  const steps: Step[] = [
    {
      name: 'session.started',
      publish: () => h.publish(Events.sessionStarted, { ...s.started, at: iso(0) }),
    },
    { name: 'qr.issued', publish: () => h.publish(Events.qrIssued, s.qr) },
    { name: 'photo.stored (named)', publish: () => h.publish(Events.photoStored, named) },
    { name: 'photo.stored (by time)', publish: () => h.publish(Events.photoStored, unnamed) },
    {
      name: 'wechat.qr.scanned',
      publish: () =>
        h.publish(Events.qrScanned, {
          eventId: scanEventId,
          openid,
          scene: s.scene,
          at: iso(15_000),
          newFollower: true,
          needsPush: false,
        }),
    },
    {
      name: 'session.ended',
      publish: () =>
        h.publish(Events.sessionEnded, {
          sessionId: s.sessionId,
          mirrorId,
          at: iso(30_000),
          reason: 'absent',
        }),
    },
  ];
  return { s, named, unnamed, steps };
}

async function expectJoined(h: BindingHarness, v: ReturnType<typeof visit>, openid: string) {
  const photos = await h.rows(
    'SELECT id, session_id AS "sessionId" FROM photos WHERE id = ANY($1) ORDER BY id',
    [[v.named.photoId, v.unnamed.photoId]],
  );
  expect(photos).toEqual(
    [v.named.photoId, v.unnamed.photoId].sort().map((id) => ({ id, sessionId: v.s.sessionId })),
  );
  expect(await h.rows('SELECT openid, status FROM bindings WHERE session_id = $1', [v.s.sessionId])).toEqual([
    { openid, status: 'claimed' },
  ]);
  const [session] = await h.rows<{ started_at: Date | null; ended_at: Date | null }>(
    'SELECT started_at, ended_at FROM sessions WHERE id = $1',
    [v.s.sessionId],
  );
  expect(session.started_at).toBeInstanceOf(Date);
  expect(session.ended_at).toBeInstanceOf(Date);
}

describe('binding: events in any order, each delivered twice', () => {
  let h: BindingHarness;

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const orders: [string, (steps: Step[]) => Step[]][] = [
    ['as they happen', (s) => s],
    ['in reverse', (s) => [...s].reverse()],
    ['photos and the scan before the session and its QR code', (s) => [s[2], s[3], s[4], s[5], s[1], s[0]]],
    ['qr.issued before session.started', (s) => [s[1], s[0], s[2], s[3], s[4], s[5]]],
  ];
  it.each(orders)('joins a visit whose events arrive %s', async (_name, order) => {
    const openid = `oOrder${ulid()}`;
    const v = visit(h, `order-${ulid().toLowerCase()}`, openid);
    for (const step of order(v.steps)) {
      await step.publish();
      await step.publish(); // a redelivery (new msgID: JetStream does not de-duplicate it)
      await caughtUp(h);
    }
    await expectJoined(h, v, openid);
    expect(await h.rows('SELECT outcome FROM scans WHERE session_id = $1', [v.s.sessionId])).toEqual([
      { outcome: 'claimed' },
    ]);
  });

  it('attaches photos taken after a scan to the claimed session, and the next reply counts them', async () => {
    const mirrorId = 'order-scan-first';
    const openid = 'oScanFirst000000000000001';
    const s = h.newSession(mirrorId);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    await caughtUp(h);
    const first = replyOf(await h.sandbox.scan({ openid, ticket: s.ticket }));
    expect(first.description).toBe('试衣镜拍下的照片会出现在这里，点击查看。');
    await h.publish(Events.photoStored, h.photo(mirrorId, s.sessionId));
    await h.publish(Events.photoStored, h.photo(mirrorId, undefined));
    await caughtUp(h);
    const again = await h.bus.request(Requests.replyScan, {
      trigger: 'scan',
      eventId: ulid(),
      openid,
      scene: s.scene,
    });
    expect(again.reply).toMatchObject({
      type: 'news',
      articles: [{ description: expect.stringContaining('2 张照片') }],
    });
  });

  it('a photo taken after its session ended waits for the next session', async () => {
    const mirrorId = 'order-next-session';
    const a = h.newSession(mirrorId);
    const t0 = Date.now() - 60_000;
    await h.publish(Events.sessionStarted, { ...a.started, at: new Date(t0).toISOString() });
    await h.publish(Events.sessionEnded, {
      ...a.started,
      at: new Date(t0 + 10_000).toISOString(),
      reason: 'absent',
    });
    const late = h.photo(mirrorId, undefined, new Date(t0 + 20_000));
    await h.publish(Events.photoStored, late);
    await caughtUp(h);
    expect(await h.rows('SELECT session_id FROM photos WHERE id = $1', [late.photoId])).toEqual([
      { session_id: null },
    ]);
    const b = h.newSession(mirrorId);
    await h.publish(Events.sessionStarted, { ...b.started, at: new Date(t0 + 15_000).toISOString() });
    await caughtUp(h);
    expect(await h.rows('SELECT session_id FROM photos WHERE id = $1', [late.photoId])).toEqual([
      { session_id: b.sessionId },
    ]);
  });

  it('keeps a photo deleted by photo-store deleted when its photo.stored comes late', async () => {
    const photo = h.photo('order-tombstone', undefined);
    await h.publish(Events.photoDeleted, { photoId: photo.photoId, at: new Date().toISOString() });
    await caughtUp(h);
    await h.publish(Events.photoStored, photo);
    await caughtUp(h);
    expect(await h.rows('SELECT status, mirror_id FROM photos WHERE id = $1', [photo.photoId])).toEqual([
      { status: 'deleted', mirror_id: 'order-tombstone' },
    ]);
  });

  it('records user events once, whatever order they arrive in', async () => {
    const openid = 'oUserEvents00000000000001';
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const unsub = { eventId: ulid(), openid, at: at(20) };
    const sub = { eventId: ulid(), openid, at: at(10) };
    const product = {
      eventId: ulid(),
      openid,
      at: at(5),
      event: 'user_scan_product',
      keyStandard: 'ean13',
      keyStr: '6901234567892',
    };
    const rejected = { photoId: ulid(), mirrorId: 'order-users', reason: 'not an image', at: at(0) };
    for (let i = 0; i < 2; i++) {
      await h.publish(Events.userUnsubscribed, unsub);
      await h.publish(Events.productScanned, product);
      await h.publish(Events.photoRejected, rejected);
      await caughtUp(h);
      await h.publish(Events.userSubscribed, sub); // older than the unsubscribe: it changes nothing
      await caughtUp(h);
    }
    expect(await h.rows('SELECT subscribed FROM wechat_users WHERE openid = $1', [openid])).toEqual([
      { subscribed: false },
    ]);
    expect(await h.rows('SELECT key_str FROM product_scans WHERE openid = $1', [openid])).toEqual([
      { key_str: '6901234567892' },
    ]);
    expect(
      await h.rows('SELECT reason FROM photo_rejections WHERE photo_id = $1', [rejected.photoId]),
    ).toEqual([{ reason: 'not an image' }]);
  });

  it('ends in the same state when everything is delivered again after a crash between commit and ack', async () => {
    await caughtUp(h);
    const before = await snapshot(h);
    expect(before.bindings.length).toBeGreaterThan(0);
    // a crash after every commit and before any ack: the durable consumers deliver the whole streams again
    await h.stop(h.apps[0]);
    for (const stream of ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT']) {
      for await (const c of h.bus.jsm.consumers.list(h.bus.ns.stream(stream))) {
        if (c.name.startsWith('binding-')) await h.bus.jsm.consumers.delete(h.bus.ns.stream(stream), c.name);
      }
    }
    await h.start();
    await caughtUp(h, 30_000);
    expect(await snapshot(h)).toEqual(before);
  }, 60_000);
});
