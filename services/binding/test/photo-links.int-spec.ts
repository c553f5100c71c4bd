import type { INestApplication } from '@nestjs/common';
import { Events, LinkOpenCodes, ReplyCodes, Requests } from '@mirror/contracts';
import { RequestRefusedError } from '@mirror/nats';
import { Clock, ManualClock } from '@mirror/platform';
import { PhotoAnnouncer } from '../src/push/photo-announcer.service';
import { BindingHarness, PUBLIC_BASE_URL } from './support/binding-harness';
import { FakePhotoStore } from './support/fake-photo-store';
import { consent, opened, replyOf } from './support/replies';
import { caughtUp } from './support/state';

const MIRROR = 'links-mirror-1';
const SEND = '/cgi-bin/message/custom/send';
const MINUTE = 60_000;

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestRefusedError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('binding: links that last and photos taken after the scan', () => {
  let h: BindingHarness;
  let app: INestApplication;
  let clock: ManualClock;
  let announcer: PhotoAnnouncer;

  beforeAll(async () => {
    h = await BindingHarness.create();
    // the job's own rounds stay out of the way; the tests run the rounds themselves after moving the clock
    app = await h.start({ PHOTO_PUSH_INTERVAL_MS: 600_000 });
    clock = new ManualClock(Date.now());
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => clock.now());
    announcer = app.get(PhotoAnnouncer);
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  /** A session with one photo, scanned by `openid`: the passive reply. */
  async function scannedVisit(openid: string) {
    const s = h.newSession(MIRROR);
    const photo = h.photo(MIRROR, s.sessionId);
    await h.publish(Events.sessionStarted, s.started);
    // the code expires by binding's clock, which these tests move
    await h.publish(Events.qrIssued, { ...s.qr, expiresAt: new Date(clock.now() + 600_000).toISOString() });
    await h.publish(Events.photoStored, photo);
    await caughtUp(h);
    const reply = replyOf(await h.sandbox.scan({ openid, ticket: s.ticket }));
    expect(reply.type).toBe('news');
    await caughtUp(h);
    return { s, photo, reply };
  }

  async function morePhotos(sessionId: string, n: number) {
    const photos = Array.from({ length: n }, () => h.photo(MIRROR, sessionId));
    for (const p of photos) {
      clock.advance(1000);
      await h.publish(Events.photoStored, p);
      await caughtUp(h);
    }
    return photos;
  }

  it('leads to the gallery after the first state and photo URL expired, and only for the scanner', async () => {
    const alice = 'oAliceLinks0000000000001';
    const mallory = 'oMalloryLinks00000000001';
    const { s, photo, reply } = await scannedVisit(alice);
    expect(reply.url).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+$`));
    expect(reply.picUrl).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+/picture$`));
    const asked = h.photoStore.urlRequests.length;

    // the next day: the original OAuth state (30 min) and the photo URL (10 min) are long gone
    clock.advance(26 * 60 * MINUTE);
    expect(await opened(reply.picUrl!)).toBe(FakePhotoStore.url(photo.photoId, 'thumb'));
    expect(h.photoStore.urlRequests.slice(asked)).toEqual([
      expect.objectContaining({ photoId: photo.photoId, variant: 'thumb' }),
    ]);
    expect(h.photoStore.urlRequests[asked].ttlSeconds).toBeLessThanOrEqual(900);

    // someone else opening the link gets nothing confirmed
    const stolen = await consent(reply.url!, mallory);
    expect(await refusal(h.bus.request(Requests.oauthConfirm, stolen))).toBe(ReplyCodes.forbidden);

    // the scanner: a fresh state on this open, confirmed, the visit in the gallery
    const own = await consent(reply.url!, alice);
    await expect(h.bus.request(Requests.oauthConfirm, own)).resolves.toEqual({
      openid: alice,
      sessionId: s.sessionId,
    });
    const gallery = await h.bus.request(Requests.galleryGet, { openid: alice });
    expect(gallery.sessions.map((x) => x.sessionId)).toContain(s.sessionId);
    expect((await h.bus.request(Requests.galleryGet, { openid: mallory })).sessions).toEqual([]);

    // past the link's own lifetime (7 days by default): expired
    clock.advance(7 * 24 * 60 * MINUTE);
    const link = new URL(reply.url!).pathname.split('/')[2];
    expect(await refusal(h.bus.request(Requests.linkOpen, { link, target: 'page' }))).toBe(
      LinkOpenCodes.expired,
    );
    const forged = `${link.slice(0, -2)}AA`;
    expect(await refusal(h.bus.request(Requests.linkOpen, { link: forged, target: 'page' }))).toBe(
      LinkOpenCodes.forged,
    );
  }, 30_000);

  it('pushes one message listing three photos taken after the scan, once, to the scanner only', async () => {
    const bob = 'oBobLinks000000000000001';
    const { s } = await scannedVisit(bob);
    const sentBefore = h.sandbox.count(SEND);
    await morePhotos(s.sessionId, 3);

    // still within the debounce of the last photo: nothing yet
    await announcer.announceDue();
    expect(h.sandbox.sentMessages(bob)).toHaveLength(0);

    clock.advance(21_000);
    expect(await announcer.announceDue()).toEqual(['sent']);
    const [message] = h.sandbox.sentMessages(bob);
    expect(message.msgtype).toBe('news');
    expect(message.articles).toEqual([
      expect.objectContaining({
        title: '又拍了 3 张试衣照片',
        description: expect.stringContaining('新拍了 3 张照片'),
        url: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+$`)),
        picurl: expect.stringMatching(new RegExp(`^${PUBLIC_BASE_URL}/link/[^/]+/picture$`)),
      }),
    ]);
    // the pushed link leads into WeChat's OAuth for this visit
    const { code, state } = await consent(message.articles![0].url!, bob);
    await expect(h.bus.request(Requests.oauthConfirm, { code, state })).resolves.toMatchObject({
      sessionId: s.sessionId,
    });

    // never twice for the same photos, and nobody else got anything
    clock.advance(60_000);
    expect(await announcer.announceDue()).toEqual([]);
    expect(h.sandbox.sentMessages(bob)).toHaveLength(1);
    expect(h.sandbox.count(SEND)).toBe(sentBefore + 1);

    // a later burst is its own message
    await morePhotos(s.sessionId, 1);
    clock.advance(21_000);
    expect(await announcer.announceDue()).toEqual(['sent']);
    expect(h.sandbox.sentMessages(bob)[1].articles![0].title).toBe('又拍了 1 张试衣照片');
  }, 30_000);

  it('announces nothing once the customer deleted the visit photos', async () => {
    const carol = 'oCarolLinks0000000000001';
    const { s, photo, reply } = await scannedVisit(carol);
    await h.bus.request(Requests.oauthConfirm, await consent(reply.url!, carol));
    await expect(
      h.bus.request(Requests.bindingPhotoDelete, { openid: carol, photoId: photo.photoId }),
    ).resolves.toEqual({ deleted: true });

    clock.advance(1000);
    await morePhotos(s.sessionId, 2);
    clock.advance(5 * MINUTE);
    expect(await announcer.announceDue()).toEqual([]);
    expect(h.sandbox.sentMessages(carol)).toHaveLength(0);
    // and the links of the visit stop working
    expect(
      await refusal(h.bus.request(Requests.linkOpen, { link: linkOf(reply.url!), target: 'page' })),
    ).toBe(ReplyCodes.notFound);
  }, 30_000);

  it('retries a message WeChat certainly did not get, and never one refused for its quota', async () => {
    const dave = 'oDaveLinks00000000000001';
    const { s } = await scannedVisit(dave);
    await morePhotos(s.sessionId, 2);
    clock.advance(21_000);
    h.sandbox.injectFault(SEND, -1, 10); // system busy on every try of the API client: not delivered
    expect(await announcer.announceDue()).toEqual(['retry']);
    expect(h.sandbox.sentMessages(dave)).toHaveLength(0);
    expect(await announcer.announceDue()).toEqual([]); // waiting for its retry time
    h.sandbox.reset();
    clock.advance(11_000);
    expect(await announcer.announceDue()).toEqual(['sent']);
    expect(h.sandbox.sentMessages(dave)).toHaveLength(1);
    expect(h.sandbox.sentMessages(dave)[0].articles![0].title).toBe('又拍了 2 张试衣照片');

    await morePhotos(s.sessionId, 1);
    clock.advance(21_000);
    h.sandbox.injectFault(SEND, 45009); // the daily quota is spent: final
    expect(await announcer.announceDue()).toEqual(['failed']);
    clock.advance(10 * MINUTE);
    expect(await announcer.announceDue()).toEqual([]);
    expect(h.sandbox.sentMessages(dave)).toHaveLength(1);
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    expect(metrics).toMatch(/binding_photo_announcements_total\{outcome="retry"\} 1/);
    expect(metrics).toMatch(/binding_photo_announcements_total\{outcome="failed"\} 1/);
  }, 30_000);
});

function linkOf(url: string): string {
  return new URL(url).pathname.split('/')[2];
}
