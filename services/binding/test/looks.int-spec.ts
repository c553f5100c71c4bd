import {
  Events,
  MirrorSubjects,
  Requests,
  decode,
  mirrorControl,
  mirrorLooks,
  type Gesture,
  type LooksState,
  type TakePhotoControl,
} from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { BindingHarness } from './support/binding-harness';
import { FakePhotoStore } from './support/fake-photo-store';
import { opened, replyOf } from './support/replies';

const MIRROR = 'looks-mirror-1';
const ALICE = 'oAlice0000000000000000007';
const BOB = 'oBob00000000000000000007';

/**
 * A visit as the mirror lives it: gesture commands from session-vision, photos the mirror takes when asked
 * (published here as photo-store would report them), the state on the mirror's looks subject, a restart of
 * binding in the middle, and the scan reply at the end.
 */
describe('binding: looks — gestures change what the mirror shows', () => {
  let h: BindingHarness;
  const states: LooksState[] = [];
  const photosAsked: TakePhotoControl[] = [];
  let at = Date.now();

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start({ LOOKS_COUNTDOWN_SECONDS: 1, LOOKS_REFRESH_MS: 300 });
    h.bus.subscribe(MirrorSubjects.of('looks', MIRROR), (m) => void states.push(decode(mirrorLooks, m.data)));
    // the mirror: shoots what it is asked for when the countdown ends, and photo-store reports it
    h.bus.subscribe(MirrorSubjects.of('control', MIRROR), (m) => {
      const control = decode(mirrorControl, m.data);
      if (control.kind !== 'take-photo') return;
      photosAsked.push(control);
      const photo = {
        ...h.photo(MIRROR, control.sessionId, new Date(control.shootAt)),
        photoId: control.photoId,
      };
      setTimeout(
        () => void h.publish(Events.photoStored, photo, control.photoId),
        Date.parse(control.shootAt) - Date.now(),
      );
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const latest = () =>
    states.reduce<LooksState | undefined>((a, s) => (!a || s.version > a.version ? s : a), undefined);
  /** Publishes a command gesture and waits for the state it causes. */
  async function command(sessionId: string, gesture: Gesture): Promise<LooksState> {
    at += 1000;
    const commandId = `${sessionId}-${at}`;
    await h.publish(
      Events.gestureRecognised,
      { commandId, sessionId, mirrorId: MIRROR, gesture, confidence: 0.9, at: new Date(at).toISOString() },
      commandId,
    );
    return waitFor(() => states.find((s) => s.cause?.commandId === commandId), 10_000);
  }
  async function look(sessionId: string, n: number): Promise<LooksState> {
    const shown = await command(sessionId, 'thumbs_up');
    expect(shown.countdown).toMatchObject({ seconds: 1 });
    expect(shown.feedback).toBe('countdown');
    return waitFor(() => {
      const s = latest();
      return s && s.looks.length === n && s.countdown === null ? s : undefined;
    }, 10_000);
  }

  it('takes three looks with countdowns, browses, favourites, compares, pauses, and survives a restart', async () => {
    const s = h.newSession(MIRROR);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    await waitFor(() => latest()?.sessionId === s.sessionId);

    await look(s.sessionId, 1);
    // no second photo while a countdown runs
    const counting = await command(s.sessionId, 'thumbs_up');
    const busy = await command(s.sessionId, 'thumbs_up');
    expect(busy.feedback).toBe('busy');
    expect(busy.countdown?.photoId).toBe(counting.countdown?.photoId);
    await waitFor(() => latest()?.looks.length === 2 && latest()?.countdown === null);
    const three = await look(s.sessionId, 3);
    expect(photosAsked).toHaveLength(3);
    const ids = three.looks.map((l) => l.photoId);
    expect(ids).toEqual(photosAsked.map((p) => p.photoId));
    expect(three.current).toBe(ids[2]);
    expect(three.looks[2].thumbUrl).toBe(FakePhotoStore.url(ids[2], 'thumb'));

    expect((await command(s.sessionId, 'swipe_right')).current).toBe(ids[1]);
    const favourite = await command(s.sessionId, 'victory');
    expect(favourite.feedback).toBe('favourited');
    expect(favourite.looks.map((l) => l.favourite)).toEqual([false, true, false]);
    expect(await h.rows('SELECT id FROM photos WHERE favourite')).toEqual([{ id: ids[1] }]);
    const compare = await command(s.sessionId, 'fist');
    expect(compare.compare).toEqual({ left: ids[1], with: 'live', right: null });
    // sent again now and then: a mirror that restarted gets its screen back without waiting for a gesture
    await waitFor(() => states.filter((st) => st.version === compare.version).length >= 2, 5000);

    expect((await command(s.sessionId, 'open_palm')).paused).toBe(true);
    const blocked = await command(s.sessionId, 'thumbs_up');
    expect(blocked).toMatchObject({ feedback: 'ignored-paused', countdown: null, paused: true });
    const resumed = await command(s.sessionId, 'open_palm');
    expect(resumed.paused).toBe(false);
    expect(photosAsked).toHaveLength(3);

    // the owner restarts: the next command finds the same state
    await h.stop(h.apps[0]);
    await h.start({ LOOKS_COUNTDOWN_SECONDS: 1, LOOKS_REFRESH_MS: 300 });
    // a product scanned with the session's scene in its ExtInfo is linked to the looks
    await h.publish(Events.productScanned, {
      eventId: `product-${s.sessionId}`,
      openid: ALICE,
      at: new Date().toISOString(),
      event: 'user_scan_product_enter_session',
      keyStandard: 'ean13',
      keyStr: '6901234567892',
      extInfo: s.scene,
    });
    await waitFor(async () => (await h.rows('SELECT 1 FROM product_scans')).length === 1);
    const after = await command(s.sessionId, 'pointing_up');
    expect(after.version).toBe(resumed.version + 1);
    expect({ ...after, version: 0, at: '', cause: null, feedback: null, details: null }).toEqual({
      ...resumed,
      version: 0,
      at: '',
      cause: null,
      feedback: null,
      details: null,
    });
    expect(after.details).toMatchObject({ photoId: ids[1], products: [{ code: '6901234567892' }] });
    expect((await command(s.sessionId, 'swipe_left')).current).toBe(ids[2]);

    // the customer's reply leads with the favourite and counts the looks and favourites
    const reply = replyOf(await h.sandbox.scan({ openid: ALICE, ticket: s.ticket }));
    expect(reply.type).toBe('news');
    expect(await opened(reply.picUrl!)).toBe(FakePhotoStore.url(ids[1], 'thumb'));
    expect(reply.description).toContain('3 张照片');
    expect(reply.description).toContain('收藏 1 张');

    // on the photo page, once confirmed: the favourites come along, and the customer changes them
    // (confirmed directly: the OAuth round trip is the saga test's, and the reply's link format is not ours)
    await h.rows(`UPDATE bindings SET status = 'confirmed', confirmed_at = now() WHERE session_id = $1`, [
      s.sessionId,
    ]);
    const favourites = async () =>
      (await h.bus.request(Requests.galleryGet, { openid: ALICE })).sessions[0].photos
        .filter((p) => p.favourite)
        .map((p) => p.photoId);
    expect(await favourites()).toEqual([ids[1]]);
    await h.bus.request(Requests.bindingPhotoFavourite, { openid: ALICE, photoId: ids[0], favourite: true });
    await h.bus.request(Requests.bindingPhotoFavourite, { openid: ALICE, photoId: ids[1], favourite: false });
    expect(await favourites()).toEqual([ids[0]]);
    await expect(
      h.bus.request(Requests.bindingPhotoFavourite, { openid: BOB, photoId: ids[2], favourite: true }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.rows('SELECT id FROM photos WHERE favourite')).toEqual([{ id: ids[0] }]);

    await h.publish(Events.sessionEnded, {
      sessionId: s.sessionId,
      mirrorId: MIRROR,
      at: new Date().toISOString(),
    });
    const idle = await waitFor(() => (latest()?.sessionId === null ? latest() : undefined));
    expect(idle).toMatchObject({ looks: [], current: null, countdown: null });
  }, 90_000);
});
