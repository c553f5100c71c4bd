import { Events, MirrorSubjects, Requests, decode, mirrorDisplay } from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { verifyOAuthState } from '@mirror/web-auth';
import { BindingHarness, OAUTH_STATE_SECRET, PUBLIC_BASE_URL } from './support/binding-harness';
import { FakePhotoStore } from './support/fake-photo-store';
import { consent, linkIn, opened, replyOf } from './support/replies';

const MIRROR = 'saga-mirror-1';
const ALICE = 'oAlice0000000000000000001';

describe('binding: session → photos → scan → reply → OAuth → gallery', () => {
  let h: BindingHarness;
  const displays: { kind: string; sessionId?: string; text?: string }[] = [];

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start();
    h.bus.subscribe(
      MirrorSubjects.of('display', MIRROR),
      (m) => void displays.push(decode(mirrorDisplay, m.data)),
    );
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('binds a visit to the customer who scanned and confirmed, and shows them their photos', async () => {
    const s = h.newSession(MIRROR);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    const older = h.photo(MIRROR, s.sessionId, new Date(Date.now() - 5000));
    const newer = h.photo(MIRROR, s.sessionId);
    await h.publish(Events.photoStored, older);
    await h.publish(Events.photoStored, newer);
    await waitFor(
      async () => (await h.rows('SELECT 1 FROM photos WHERE session_id = $1', [s.sessionId])).length === 2,
    );

    // the scan: a passive news reply within the gateway's budget
    const reply = replyOf(await h.sandbox.scan({ openid: ALICE, ticket: s.ticket }));
    expect(reply.type).toBe('news');
    expect(reply.title).toBe('您的试衣照片');
    expect(reply.description).toContain('2 张照片');
    expect(reply.url).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+$`));
    expect(await opened(reply.picUrl!)).toBe(FakePhotoStore.url(newer.photoId, 'thumb'));
    const authorize = new URL(await opened(reply.url!));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.sandbox.url}/connect/oauth2/authorize`);
    expect(authorize.searchParams.get('appid')).toBe(h.sandbox.appId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${PUBLIC_BASE_URL}/oauth/callback`);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.hash).toBe('#wechat_redirect');
    expect(verifyOAuthState(authorize.searchParams.get('state'), OAUTH_STATE_SECRET).scene).toBe(s.scene);

    expect(await h.rows('SELECT openid, outcome, session_id AS "sessionId" FROM scans')).toEqual([
      { openid: ALICE, outcome: 'claimed', sessionId: s.sessionId },
    ]);
    expect(await h.rows('SELECT openid, status FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: ALICE, status: 'claimed' },
    ]);
    expect(await h.rows('SELECT subscribed FROM wechat_users WHERE openid = $1', [ALICE])).toEqual([
      { subscribed: true },
    ]);
    await waitFor(() => displays.find((d) => d.kind === 'notice' && d.sessionId === s.sessionId));

    // the customer taps the link: WeChat's OAuth, then the gateway asks binding to confirm
    const { location, code, state } = await consent(reply.url!, ALICE);
    expect(`${location.origin}${location.pathname}`).toBe(`${PUBLIC_BASE_URL}/oauth/callback`);
    const confirmed = await h.bus.request(Requests.oauthConfirm, { code, state });
    expect(confirmed).toEqual({ openid: ALICE, sessionId: s.sessionId });
    const [binding] = await h.rows<{ status: string; confirmed_at: Date | null }>(
      'SELECT status, confirmed_at FROM bindings WHERE session_id = $1',
      [s.sessionId],
    );
    expect(binding.status).toBe('confirmed');
    expect(binding.confirmed_at).toBeInstanceOf(Date);

    // the gallery: newest photo first, signed thumbnail and display URLs from photo-store
    const gallery = await h.bus.request(Requests.galleryGet, { openid: ALICE });
    expect(gallery.sessions).toHaveLength(1);
    expect(gallery.sessions[0]).toMatchObject({ sessionId: s.sessionId, mirrorId: MIRROR });
    expect(gallery.sessions[0].photos).toEqual([
      expect.objectContaining({
        photoId: newer.photoId,
        thumbUrl: FakePhotoStore.url(newer.photoId, 'thumb'),
        displayUrl: FakePhotoStore.url(newer.photoId, 'display'),
        width: 1080,
        height: 1440,
      }),
      expect.objectContaining({ photoId: older.photoId, takenAt: older.takenAt }),
    ]);

    // the passive reply reached WeChat, so nothing was pushed
    await waitFor(
      async () =>
        (await h.bus.jsm.consumers.info(h.bus.ns.stream('WECHAT'), 'binding-qr-scanned')).num_ack_pending ===
          0 &&
        (await h.bus.jsm.consumers.info(h.bus.ns.stream('WECHAT'), 'binding-qr-scanned')).num_pending === 0,
    );
    expect(await h.rows('SELECT 1 FROM push_records')).toHaveLength(0);
    expect(h.sandbox.sentMessages()).toHaveLength(0);

    // the customer deletes a photo: gone from the gallery at once, photo-store asked to delete it
    await expect(
      h.bus.request(Requests.bindingPhotoDelete, { openid: ALICE, photoId: older.photoId }),
    ).resolves.toEqual({
      deleted: true,
    });
    expect(h.photoStore.deleted).toEqual([older.photoId]);
    const after = await h.bus.request(Requests.galleryGet, { openid: ALICE });
    expect(after.sessions[0].photos.map((p) => p.photoId)).toEqual([newer.photoId]);
    expect(await h.rows('SELECT status, deleted_reason FROM photos WHERE id = $1', [older.photoId])).toEqual([
      { status: 'deleted', deleted_reason: 'customer' },
    ]);

    // the visit ends: the session is kept, the mirror goes back to idle
    await h.publish(Events.sessionEnded, {
      sessionId: s.sessionId,
      mirrorId: MIRROR,
      at: new Date().toISOString(),
    });
    await waitFor(() => displays.find((d) => d.kind === 'idle' && d.sessionId === s.sessionId));
    const [session] = await h.rows<{ ended_at: Date; end_reason: string }>(
      'SELECT ended_at, end_reason FROM sessions WHERE id = $1',
      [s.sessionId],
    );
    expect(session.end_reason).toBe('absent');
  });

  it('answers "照片" with a link to the gallery through the last session', async () => {
    const delivery = await h.sandbox.text({ openid: ALICE, content: '我的照片在哪里' });
    const reply = replyOf(delivery);
    expect(reply.type).toBe('text');
    const link = new URL(await opened(linkIn(reply.content).replace(/&amp;/g, '&')));
    expect(link.searchParams.get('redirect_uri')).toBe(`${PUBLIC_BASE_URL}/oauth/callback`);
    const { code, state } = await consent(link.toString(), ALICE);
    await expect(h.bus.request(Requests.oauthConfirm, { code, state })).resolves.toMatchObject({
      openid: ALICE,
    });
  });

  it('lists the confirmed sessions newest first', async () => {
    const later = h.newSession(MIRROR);
    await h.publish(Events.sessionStarted, later.started);
    await h.publish(Events.qrIssued, later.qr);
    await h.publish(Events.photoStored, h.photo(MIRROR, later.sessionId));
    await waitFor(
      async () => (await h.rows('SELECT 1 FROM photos WHERE session_id = $1', [later.sessionId])).length,
    );
    const link = replyOf(await h.sandbox.scan({ openid: ALICE, ticket: later.ticket })).url!;
    const before = await h.bus.request(Requests.galleryGet, { openid: ALICE });
    expect(before.sessions.map((x) => x.sessionId)).not.toContain(later.sessionId); // claimed, not confirmed yet
    await h.bus.request(Requests.oauthConfirm, await consent(link, ALICE));
    const gallery = await h.bus.request(Requests.galleryGet, { openid: ALICE });
    expect(gallery.sessions).toHaveLength(2);
    expect(gallery.sessions[0].sessionId).toBe(later.sessionId);
    expect(gallery.sessions[0].startedAt > gallery.sessions[1].startedAt).toBe(true);
  });

  it('says nothing to other texts and tells a customer without photos how to get some', async () => {
    expect(replyOf(await h.sandbox.text({ openid: ALICE, content: '你好' })).type).toBe('success');
    const bob = 'oBob00000000000000000001';
    await h.sandbox.follow({ openid: bob });
    const reply = replyOf(await h.sandbox.text({ openid: bob, content: 'photos' }));
    expect(reply.content).toContain('您还没有试衣照片');
  });

  it('replies at once with the stable picture link, whether or not photo-store answers quickly', async () => {
    const s = h.newSession(MIRROR);
    await h.publish(Events.qrIssued, s.qr);
    await h.publish(Events.photoStored, h.photo(MIRROR, s.sessionId));
    await waitFor(
      async () => (await h.rows('SELECT 1 FROM photos WHERE session_id = $1', [s.sessionId])).length === 1,
    );
    h.photoStore.urlDelayMs = 2000;
    try {
      const started = Date.now();
      const reply = replyOf(await h.sandbox.scan({ openid: 'oCarol000000000000000001', ticket: s.ticket }));
      expect(reply.type).toBe('news');
      expect(reply.description).toContain('1 张照片');
      // the picture is minted when WeChat fetches it, so the reply never waits for photo-store
      expect(reply.picUrl).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+/picture$`));
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      h.photoStore.urlDelayMs = 0;
    }
  });
});
