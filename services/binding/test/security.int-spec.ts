import { ulid } from 'ulid';
import { Events, OAuthConfirmCodes, ReplyCodes, Requests } from '@mirror/contracts';
import { RequestRefusedError } from '@mirror/nats';
import { signOAuthState } from '@mirror/web-auth';
import { BindingHarness, OAUTH_STATE_SECRET } from './support/binding-harness';
import { consent, replyOf } from './support/replies';
import { caughtUp } from './support/state';

const MIRROR = 'security-mirror-1';
const ALICE = 'oAlice0000000000000000002';
const MALLORY = 'oMallory00000000000000001';

/** The refusal code of a request that must be refused. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  if (!(e instanceof RequestRefusedError)) throw e;
  return e.code;
}

describe('binding: nobody claims what is not theirs', () => {
  let h: BindingHarness;
  let s: ReturnType<BindingHarness['newSession']>;
  let photo: ReturnType<BindingHarness['photo']>;
  let aliceLink: string;

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start();
    s = h.newSession(MIRROR);
    photo = h.photo(MIRROR, s.sessionId);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    await h.publish(Events.photoStored, photo);
    await caughtUp(h);
    aliceLink = replyOf(await h.sandbox.scan({ openid: ALICE, ticket: s.ticket })).url!;
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('gives a second scanner a polite text and none of the photos', async () => {
    const reply = replyOf(await h.sandbox.scan({ openid: MALLORY, ticket: s.ticket }));
    expect(reply.type).toBe('text');
    expect(reply.content).toContain('已经被另一位顾客扫描');
    expect(reply.content).not.toContain('http');
    expect(await h.rows('SELECT openid, status FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: ALICE, status: 'claimed' },
    ]);
    expect(await h.rows('SELECT outcome FROM scans WHERE openid = $1', [MALLORY])).toEqual([
      { outcome: 'other' },
    ]);
  });

  it('refuses to confirm for an openid that did not scan, even with the genuine link', async () => {
    const { code, state } = await consent(aliceLink, MALLORY);
    expect(await refusal(h.bus.request(Requests.oauthConfirm, { code, state }))).toBe(
      OAuthConfirmCodes.forbidden,
    );
    expect(await h.rows('SELECT status FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { status: 'claimed' },
    ]);
  });

  it('refuses a forged state without spending the code', async () => {
    const { code, state } = await consent(aliceLink, ALICE);
    const exchanges = h.sandbox.count('/sns/oauth2/access_token');
    const parts = state.split('.');
    const otherScene = [h.newSession(MIRROR).scene, ...parts.slice(1)].join('.');
    const resigned = signOAuthState({ scene: s.scene, ttlSeconds: 600, secret: 'not-our-secret-0123456789' });
    for (const forged of [otherScene, resigned, 'garbage', `${state}x`]) {
      expect(await refusal(h.bus.request(Requests.oauthConfirm, { code, state: forged }))).toBe(
        OAuthConfirmCodes.stateForged,
      );
    }
    expect(h.sandbox.count('/sns/oauth2/access_token')).toBe(exchanges);
  });

  it('refuses an expired state', async () => {
    const { code } = await consent(aliceLink, ALICE);
    const expired = signOAuthState({
      scene: s.scene,
      ttlSeconds: 60,
      secret: OAUTH_STATE_SECRET,
      now: Date.now() - 3600_000,
    });
    expect(await refusal(h.bus.request(Requests.oauthConfirm, { code, state: expired }))).toBe(
      OAuthConfirmCodes.stateExpired,
    );
  });

  it('refuses a reused or unknown code', async () => {
    const { code, state } = await consent(aliceLink, ALICE);
    await expect(h.bus.request(Requests.oauthConfirm, { code, state })).resolves.toEqual({
      openid: ALICE,
      sessionId: s.sessionId,
    });
    expect(await refusal(h.bus.request(Requests.oauthConfirm, { code, state }))).toBe(
      OAuthConfirmCodes.codeReused,
    );
    expect(await refusal(h.bus.request(Requests.oauthConfirm, { code: 'no-such-code', state }))).toBe(
      OAuthConfirmCodes.codeInvalid,
    );
  });

  it("never lists another customer's photos", async () => {
    expect(await h.bus.request(Requests.galleryGet, { openid: MALLORY })).toEqual({
      openid: MALLORY,
      sessions: [],
    });
    // Mallory's own visit shows, Alice's does not
    const own = h.newSession(MIRROR);
    await h.publish(Events.qrIssued, own.qr);
    await h.publish(Events.photoStored, h.photo(MIRROR, own.sessionId));
    await caughtUp(h);
    const link = replyOf(await h.sandbox.scan({ openid: MALLORY, ticket: own.ticket })).url!;
    await h.bus.request(Requests.oauthConfirm, await consent(link, MALLORY));
    const gallery = await h.bus.request(Requests.galleryGet, { openid: MALLORY });
    expect(gallery.sessions.map((x) => x.sessionId)).toEqual([own.sessionId]);
    expect(JSON.stringify(gallery)).not.toContain(photo.photoId);
  });

  it("refuses to delete another customer's photo and keeps it", async () => {
    expect(
      await refusal(h.bus.request(Requests.bindingPhotoDelete, { openid: MALLORY, photoId: photo.photoId })),
    ).toBe(ReplyCodes.notFound);
    expect(h.photoStore.deleted).not.toContain(photo.photoId);
    const gallery = await h.bus.request(Requests.galleryGet, { openid: ALICE });
    expect(gallery.sessions[0].photos.map((p) => p.photoId)).toEqual([photo.photoId]);
  });

  it('lets exactly one of many customers scanning one code at the same moment claim it', async () => {
    const race = h.newSession(MIRROR);
    await h.publish(Events.sessionStarted, race.started);
    await h.publish(Events.qrIssued, race.qr);
    await caughtUp(h);
    const openids = Array.from({ length: 12 }, (_, i) => `oRacer${String(i).padStart(19, '0')}`);
    const replies = await Promise.all(
      openids.map((openid) =>
        h.bus.request(Requests.replyScan, { trigger: 'scan', eventId: ulid(), openid, scene: race.scene }),
      ),
    );
    const winners = openids.filter((_, i) => replies[i].reply.type === 'news');
    expect(winners).toHaveLength(1);
    for (const [i, { reply }] of replies.entries()) {
      if (openids[i] !== winners[0]) expect(reply).toMatchObject({ type: 'text' });
    }
    expect(await h.rows('SELECT openid FROM bindings WHERE session_id = $1', [race.sessionId])).toEqual([
      { openid: winners[0] },
    ]);
    expect(
      await h.rows(
        `SELECT outcome, count(*)::int AS n FROM scans WHERE session_id = $1 GROUP BY outcome ORDER BY outcome`,
        [race.sessionId],
      ),
    ).toEqual([
      { outcome: 'claimed', n: 1 },
      { outcome: 'other', n: openids.length - 1 },
    ]);
  });

  it('answers an expired QR code with a text and claims nothing', async () => {
    const old = h.newSession(MIRROR);
    await h.publish(Events.qrIssued, { ...old.qr, expiresAt: new Date(Date.now() - 1000).toISOString() });
    await caughtUp(h);
    const reply = replyOf(await h.sandbox.scan({ openid: ALICE, ticket: old.ticket }));
    expect(reply).toMatchObject({ type: 'text', content: expect.stringContaining('已过期') });
    expect(await h.rows('SELECT 1 FROM bindings WHERE session_id = $1', [old.sessionId])).toEqual([]);
  });

  it('answers an unknown scene with a text', async () => {
    const { reply } = await h.bus.request(Requests.replyScan, {
      trigger: 'scan',
      eventId: ulid(),
      openid: ALICE,
      scene: `never-issued-${ulid()}`,
    });
    expect(reply).toEqual({ type: 'text', content: expect.stringContaining('没有找到') });
  });

  it('refuses malformed requests naming the field', async () => {
    // raw bytes: the typed client would refuse to send them
    const answer = await h.bus.nc.request(
      h.bus.ns.subject(Requests.galleryGet.subject),
      new TextEncoder().encode(JSON.stringify({ openid: 'x' })),
      { timeout: 2000 },
    );
    expect(JSON.parse(new TextDecoder().decode(answer.data))).toMatchObject({
      ok: false,
      error: { code: ReplyCodes.invalidRequest, field: 'openid' },
    });
  });
});
