import { ulid } from 'ulid';
import { Events, MirrorSubjects, Requests, decode, mirrorDisplay } from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { verifyOAuthState } from '@mirror/web-auth';
import { BindingHarness } from './support/binding-harness';
import { consent, opened, replyOf } from './support/replies';

const STORE = 'shanghai-01';
const OTHER_STORE = 'beijing-02';
const WELCOME = '欢迎光临';

/**
 * A mirror's permanent code (scene `m:<mirrorId>`) and product codes whose ExtInfo names a scene, scanned
 * through the WeChat sandbox over HTTP (product events published as the gateway does), against real
 * Postgres, NATS and Redis.
 */
describe('binding: permanent mirror codes and product scans', () => {
  let h: BindingHarness;
  const displays: { kind: string; sessionId?: string; mirror: string }[] = [];
  let n = 0;
  /** A registered mirror of `store` with its printed code in the sandbox. */
  const mirror = async (store = STORE) => {
    const id = `codes-mirror-${++n}`;
    await h.rows(`INSERT INTO stores (id) VALUES ($1) ON CONFLICT DO NOTHING`, [store]);
    await h.rows(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id, nats_user_key, registered_at)
       VALUES ($1, now(), now(), $2, 'UKEY', now())`,
      [id, store],
    );
    h.bus.subscribe(
      MirrorSubjects.of('display', id),
      (m) => void displays.push({ ...decode(mirrorDisplay, m.data), mirror: id }),
    );
    const code = h.sandbox.tickets.create('QR_LIMIT_STR_SCENE', `m:${id}`, null);
    return { id, ticket: code.ticket };
  };
  const openid = () => `oCodes${ulid()}`;
  const openSession = async (mirrorId: string) => {
    const s = h.newSession(mirrorId);
    await h.publish(Events.sessionStarted, s.started);
    await h.publish(Events.qrIssued, s.qr);
    await waitFor(
      async () => (await h.rows('SELECT 1 FROM session_scenes WHERE scene = $1', [s.scene])).length,
    );
    return s;
  };
  const scans = (where: string, params: unknown[]) =>
    h.rows(
      `SELECT kind, outcome, session_id AS "sessionId", mirror_id AS "mirrorId", store_id AS "storeId",
              new_follower AS "newFollower" FROM scans WHERE ${where} ORDER BY scanned_at`,
      params,
    );
  const drained = (durable: string) =>
    waitFor(async () => {
      const info = await h.bus.jsm.consumers.info(h.bus.ns.stream('WECHAT'), durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('claims the open session when its mirror code is scanned, exactly like the session code', async () => {
    const m = await mirror();
    const s = await openSession(m.id);
    await h.publish(Events.photoStored, h.photo(m.id, s.sessionId));
    await waitFor(
      async () => (await h.rows('SELECT 1 FROM photos WHERE session_id = $1', [s.sessionId])).length,
    );
    const alice = openid();

    const reply = replyOf(await h.sandbox.scan({ openid: alice, ticket: m.ticket })); // subscribe + qrscene_m:…
    expect(reply.type).toBe('news');
    expect(reply.title).toBe('您的试衣照片');
    expect(reply.description).toContain('1 张照片');
    const state = new URL(await opened(reply.url!)).searchParams.get('state');
    expect(verifyOAuthState(state, 'state-secret-for-tests-0123456789').scene).toBe(s.scene);
    expect(await h.rows('SELECT openid, scene FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: alice, scene: s.scene },
    ]);
    await drained('binding-qr-scanned');
    expect(await scans('openid = $1', [alice])).toEqual([
      {
        kind: 'permanent',
        outcome: 'claimed',
        sessionId: s.sessionId,
        mirrorId: m.id,
        storeId: STORE,
        newFollower: true,
      },
    ]);
    await waitFor(() => displays.find((d) => d.kind === 'notice' && d.sessionId === s.sessionId));
    // the link confirms like the session code's
    await expect(h.bus.request(Requests.oauthConfirm, await consent(reply.url!, alice))).resolves.toEqual({
      openid: alice,
      sessionId: s.sessionId,
    });
    // scanning the mirror's code again (now following: SCAN m:…) brings the photos back
    expect(replyOf(await h.sandbox.scan({ openid: alice, ticket: m.ticket })).type).toBe('news');
    // and the session's own code still works as before
    expect(replyOf(await h.sandbox.scan({ openid: alice, ticket: s.ticket })).type).toBe('news');
    await drained('binding-qr-scanned');
    expect((await scans('openid = $1', [alice])).map((x) => [x.kind, x.outcome, x.mirrorId])).toEqual([
      ['permanent', 'claimed', m.id],
      ['permanent', 'own', m.id],
      ['session', 'own', m.id],
    ]);
    expect(h.sandbox.sentMessages(alice)).toHaveLength(0);
  });

  it('welcomes a customer when no session is open and attributes the follow to the mirror and its store', async () => {
    const m = await mirror(OTHER_STORE);
    const ended = await openSession(m.id);
    await h.publish(Events.sessionEnded, {
      sessionId: ended.sessionId,
      mirrorId: m.id,
      at: new Date().toISOString(),
    });
    await waitFor(
      async () =>
        (await h.rows('SELECT 1 FROM sessions WHERE id = $1 AND ended_at IS NOT NULL', [ended.sessionId]))
          .length,
    );
    const bob = openid();
    const reply = replyOf(await h.sandbox.scan({ openid: bob, ticket: m.ticket }));
    expect(reply.type).toBe('text');
    expect(reply.content).toContain(WELCOME);
    expect(reply.content).toContain('请站到试衣镜前');
    await drained('binding-qr-scanned');
    expect(await scans('openid = $1', [bob])).toEqual([
      {
        kind: 'permanent',
        outcome: 'welcome',
        sessionId: null,
        mirrorId: m.id,
        storeId: OTHER_STORE,
        newFollower: true,
      },
    ]);
    expect(await h.rows('SELECT 1 FROM bindings WHERE openid = $1', [bob])).toHaveLength(0);
    expect(await h.rows('SELECT subscribed FROM wechat_users WHERE openid = $1', [bob])).toEqual([
      { subscribed: true },
    ]);

    // an unfollow is recorded with its time, once, however often it is delivered
    const unfollow = {
      eventId: `unsub-${ulid()}`,
      openid: bob,
      at: new Date(Date.now() + 60_000).toISOString(),
    };
    await h.publish(Events.userUnsubscribed, unfollow);
    await h.publish(Events.userUnsubscribed, unfollow); // a redelivery: another msgID, the same event
    await drained('binding-user-unsubscribed');
    expect(await h.rows('SELECT unsubscribed_at AS at FROM unsubscribes WHERE openid = $1', [bob])).toEqual([
      { at: new Date(unfollow.at) },
    ]);
  });

  it('welcomes without claiming when the open session is someone else’s', async () => {
    const m = await mirror();
    const s = await openSession(m.id);
    const carol = openid();
    const dave = openid();
    expect(replyOf(await h.sandbox.scan({ openid: carol, ticket: s.ticket })).type).toBe('news');
    const reply = replyOf(await h.sandbox.scan({ openid: dave, ticket: m.ticket }));
    expect(reply).toMatchObject({ type: 'text' });
    expect(reply.content).toContain(WELCOME);
    await drained('binding-qr-scanned');
    expect(await h.rows('SELECT openid FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
      { openid: carol },
    ]);
    expect(await scans('openid = $1', [dave])).toEqual([
      {
        kind: 'permanent',
        outcome: 'other',
        sessionId: s.sessionId,
        mirrorId: m.id,
        storeId: STORE,
        newFollower: true,
      },
    ]);
    expect(h.sandbox.sentMessages(dave)).toHaveLength(0);
  });

  it('counts a replayed or redelivered mirror-code scan once and keeps its first decision', async () => {
    const m = await mirror();
    const s = await openSession(m.id);
    const erin = openid();
    const event = {
      eventId: `scan-${ulid()}`,
      openid: erin,
      scene: `m:${m.id}`,
      at: new Date().toISOString(),
    };
    // the gateway's request first (no follow flag), then the durable event twice (the follow comes with it)
    const first = await h.bus.request(Requests.replyScan, { trigger: 'scan', ...event });
    expect(first.reply.type).toBe('news');
    await h.bus.request(Requests.replyScan, { trigger: 'scan', ...event });
    await h.publish(Events.qrScanned, { ...event, newFollower: true, needsPush: false });
    await h.publish(Events.qrScanned, { ...event, newFollower: true, needsPush: false });
    await drained('binding-qr-scanned');
    // the session ends; a late redelivery still finds what the first delivery decided
    await h.publish(Events.sessionEnded, {
      sessionId: s.sessionId,
      mirrorId: m.id,
      at: new Date().toISOString(),
    });
    await waitFor(
      async () =>
        (await h.rows('SELECT 1 FROM sessions WHERE id = $1 AND ended_at IS NOT NULL', [s.sessionId])).length,
    );
    const again = await h.bus.request(Requests.replyScan, { trigger: 'scan', ...event });
    expect(again.reply.type).toBe('news');
    expect(await scans('openid = $1', [erin])).toEqual([
      {
        kind: 'permanent',
        outcome: 'claimed',
        sessionId: s.sessionId,
        mirrorId: m.id,
        storeId: STORE,
        newFollower: true,
      },
    ]);
    expect(await h.rows('SELECT count(*)::int AS n FROM bindings WHERE openid = $1', [erin])).toEqual([
      { n: 1 },
    ]);
  });

  describe('product scans', () => {
    const product = (who: string, extInfo?: string, event = 'user_scan_product_enter_session') => ({
      eventId: `product-${ulid()}`,
      openid: who,
      at: new Date().toISOString(),
      event,
      keyStandard: 'ean13',
      keyStr: '6901234567892',
      ...(extInfo === undefined ? {} : { extInfo }),
    });
    const productRow = (eventId: string) =>
      h.rows(
        `SELECT scene, mirror_id AS "mirrorId", store_id AS "storeId", new_follower AS "newFollower"
           FROM product_scans WHERE event_id = $1`,
        [eventId],
      );

    it('joins the open session of the mirror ExtInfo names, with the same claim and the same reply (pushed)', async () => {
      const m = await mirror();
      const s = await openSession(m.id);
      const frank = openid();
      await h.sandbox.follow({ openid: frank });
      const scan = product(frank, `m:${m.id}`);
      await h.publish(Events.productScanned, scan);
      await h.publish(Events.productScanned, scan); // redelivered
      await drained('binding-product-scanned');
      expect(await h.rows('SELECT openid FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
        { openid: frank },
      ]);
      expect(await productRow(scan.eventId)).toEqual([
        { scene: `m:${m.id}`, mirrorId: m.id, storeId: STORE, newFollower: false },
      ]);
      expect(await scans('event_id = $1', [scan.eventId])).toEqual([
        {
          kind: 'product',
          outcome: 'claimed',
          sessionId: s.sessionId,
          mirrorId: m.id,
          storeId: STORE,
          newFollower: false,
        },
      ]);
      await waitFor(() => h.sandbox.sentMessages(frank).length === 1);
      expect(h.sandbox.sentMessages(frank)[0]).toMatchObject({ msgtype: 'news' });
      await waitFor(() => displays.find((d) => d.kind === 'notice' && d.sessionId === s.sessionId));
    });

    it('joins a session whose scene ExtInfo carries, and welcomes when the mirror has no session', async () => {
      const m = await mirror();
      const s = await openSession(m.id);
      const grace = openid();
      await h.sandbox.follow({ openid: grace });
      const bySession = product(grace, `scene=${s.scene}&store=${OTHER_STORE}`, 'subscribe');
      await h.publish(Events.productScanned, bySession);
      const idle = await mirror(OTHER_STORE);
      const heidi = openid();
      await h.sandbox.follow({ openid: heidi });
      const byIdleMirror = product(heidi, `mirror=${idle.id}`);
      await h.publish(Events.productScanned, byIdleMirror);
      await drained('binding-product-scanned');
      expect(await productRow(bySession.eventId)).toEqual([
        { scene: s.scene, mirrorId: m.id, storeId: STORE, newFollower: true },
      ]);
      expect(await h.rows('SELECT openid FROM bindings WHERE session_id = $1', [s.sessionId])).toEqual([
        { openid: grace },
      ]);
      expect(await scans('event_id = $1', [byIdleMirror.eventId])).toEqual([
        {
          kind: 'product',
          outcome: 'welcome',
          sessionId: null,
          mirrorId: idle.id,
          storeId: OTHER_STORE,
          newFollower: false,
        },
      ]);
      await waitFor(() => h.sandbox.sentMessages(heidi).length === 1);
      expect(JSON.stringify(h.sandbox.sentMessages(heidi)[0])).toContain(WELCOME);
    });

    it('counts a product code without a scene for its store only, and never twice', async () => {
      const ivan = openid();
      const plain = product(ivan);
      const ofStore = product(ivan, `store=${STORE}`);
      const unknownStore = product(ivan, 'store=nowhere-99');
      const unknownScene = product(ivan, 'batch-2026-11'); // not a scene binding knows: names nothing
      for (const p of [plain, ofStore, ofStore, unknownStore, unknownScene])
        await h.publish(Events.productScanned, p);
      await drained('binding-product-scanned');
      for (const [p, storeId] of [
        [plain, null],
        [ofStore, STORE],
        [unknownStore, null],
        [unknownScene, null],
      ] as const) {
        expect(await productRow(p.eventId)).toEqual([
          { scene: null, mirrorId: null, storeId, newFollower: false },
        ]);
      }
      expect(await scans('openid = $1', [ivan])).toEqual([]);
      expect(h.sandbox.sentMessages(ivan)).toHaveLength(0);
    });
  });
});
