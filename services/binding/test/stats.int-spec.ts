import { ulid } from 'ulid';
import { Events, Requests, type StatsGetResponse, type StatsMetrics } from '@mirror/contracts';
import { sleep } from '@mirror/async';
import { mondayOf } from '../src/stats/weeks';
import { BindingHarness } from './support/binding-harness';
import { confirmAs } from './support/confirm';
import { caughtUp } from './support/state';

const SHANGHAI_MS = 8 * 3600_000;
const shanghaiDay = (ms: number) => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

const A1 = 'stats-a1';
const A2 = 'stats-a2';
const B1 = 'stats-b1';
const user = (n: number) => `oStatsUser00000000000000${n}`;

/** What a hand count of the scripted day gives (durations in seconds). */
function expected(
  m: Partial<StatsMetrics> & { scansSession?: number; scansPermanent?: number; scansProduct?: number },
): StatsMetrics {
  const { scansSession = 0, scansPermanent = 0, scansProduct = 0, ...rest } = m;
  return {
    sessionsStarted: 0,
    sessionsWithQr: 0,
    sessionsEnded: 0,
    sessionLengthP50Seconds: null,
    newFollowers: 0,
    unsubscribedWithin7Days: 0,
    claims: 0,
    confirmations: 0,
    photosTaken: 0,
    photosDeletedByCustomers: 0,
    qrToScanCount: 0,
    qrToScanP50Seconds: null,
    qrToScanP90Seconds: null,
    ...rest,
    scans: { session: scansSession, permanent: scansPermanent, product: scansProduct },
  };
}

describe('channel statistics (binding.stats.get)', () => {
  let h: BindingHarness;
  /** Every durable event of the day, in order, for the replays. */
  const published: [(typeof Events)[keyof typeof Events], Record<string, unknown>][] = [];
  let day: string;

  /** Publishes an event twice under different message ids: JetStream keeps both, binding sees a redelivery. */
  const emit = async <C extends (typeof Events)[keyof typeof Events]>(
    contract: C,
    payload: Record<string, unknown>,
  ) => {
    published.push([contract, payload]);
    await h.publish(contract, payload as never);
    await h.publish(contract, payload as never);
  };
  const stats = (request: { storeIds?: string[]; mirrorId?: string; by?: ('day' | 'mirror' | 'store')[] }) =>
    h.bus.request(Requests.statsGet, { from: day, to: day, ...request }) as Promise<StatsGetResponse>;

  beforeAll(async () => {
    h = await BindingHarness.create();
    await h.start({ STATS_REFRESH_INTERVAL_MS: 3600_000 });
    await h.rows(`INSERT INTO stores (id, name) VALUES ('store-a', 'A'), ('store-b', 'B')`);
    await h.rows(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id)
       VALUES ($1, now(), now(), 'store-a'), ($2, now(), now(), 'store-a'), ($3, now(), now(), 'store-b')`,
      [A1, A2, B1],
    );
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('equals a hand count of a scripted day in two stores, each event counted once despite replays', async () => {
    // the whole day lies within one Asia/Shanghai day: not across its midnight
    const untilMidnight = 86400_000 - ((Date.now() + SHANGHAI_MS) % 86400_000);
    if (untilMidnight < 5 * 60_000) await sleep(untilMidnight + 1000);
    const sinceMidnight = (Date.now() + SHANGHAI_MS) % 86400_000;
    const t0 = Date.now() - Math.min(20 * 60_000, sinceMidnight - 1000);
    day = shanghaiDay(Date.now());

    const session = async (mirrorId: string, offsetS: number, withQr: boolean) => {
      const s = h.newSession(mirrorId);
      await emit(Events.sessionStarted, { ...s.started, at: iso(t0 + offsetS * 1000) });
      if (withQr) await emit(Events.qrIssued, s.qr);
      return { ...s, startMs: t0 + offsetS * 1000 };
    };
    const s1 = await session(A1, 0, true);
    const s2 = await session(A1, 400, true);
    await session(A1, 600, false); // no QR code, never ends
    const s4 = await session(A2, 100, true);
    const s5 = await session(B1, 200, true);
    const ended = async (s: typeof s1, lengthS: number) =>
      emit(Events.sessionEnded, {
        sessionId: s.sessionId,
        mirrorId: s.mirrorId,
        at: iso(s.startMs + lengthS * 1000),
      });
    await ended(s1, 300);
    await ended(s2, 45);
    await ended(s4, 120);
    await ended(s5, 600);
    const photos = [
      h.photo(A1, s1.sessionId, new Date(t0 + 10_000)),
      h.photo(A1, s1.sessionId, new Date(t0 + 20_000)),
    ];
    photos.push(
      h.photo(A1, s2.sessionId, new Date(t0 + 410_000)),
      h.photo(B1, s5.sessionId, new Date(t0 + 210_000)),
    );
    for (const p of photos) await emit(Events.photoStored, p);
    await caughtUp(h);

    // scans, timed from when binding recorded each QR code (when the mirror was told to show it)
    const shown = new Map(
      (await h.rows<{ scene: string; at: Date }>('SELECT scene, created_at AS at FROM session_scenes')).map(
        (r) => [r.scene, r.at.getTime()],
      ),
    );
    const scan = async (s: typeof s1, openid: string, afterS: number, newFollower: boolean) => {
      const event = {
        eventId: `scan-${ulid()}`,
        openid,
        scene: s.scene,
        ticket: s.ticket,
        newFollower,
        at: iso(shown.get(s.scene)! + afterS * 1000),
      };
      await emit(Events.qrScanned, event);
      return event;
    };
    // the first scan of a code claims it as binding handles it: each claim is in before its rival comes
    const u1 = await scan(s1, user(1), 12, true); // claims S1
    await caughtUp(h);
    await scan(s1, user(2), 20, true); // someone else's
    await scan(s1, user(1), 25, false); // the claimer again
    const u3 = await scan(s4, user(3), 30, false); // claims S4
    await caughtUp(h);
    const u4 = await scan(s4, user(4), 50, true); // someone else's, unfollows a minute later
    const u5 = await scan(s5, user(5), 5, true); // claims S5
    await emit(Events.qrScanned, {
      eventId: `scan-${ulid()}`,
      openid: user(6),
      scene: 'scene-nobody-issued',
      newFollower: true,
      at: iso(Date.now()),
    });
    await emit(Events.userUnsubscribed, {
      eventId: `unsub-${ulid()}`,
      openid: user(4),
      at: iso(Date.parse(u4.at) + 60_000),
    });
    // A2's printed code, scanned by a new follower after its visits ended: a welcome, the follow A2's
    await emit(Events.qrScanned, {
      eventId: `scan-${ulid()}`,
      openid: user(7),
      scene: `m:${A2}`,
      newFollower: true,
      at: iso(Date.now()),
    });
    // product codes: one naming B1 (a follow through it), one naming store-b only, one naming nothing
    const product = (n: number, extInfo: string | undefined, event = 'user_scan_product') => ({
      eventId: `product-${ulid()}`,
      openid: user(n),
      at: iso(Date.now()),
      event,
      keyStandard: 'ean13',
      keyStr: '6901234567892',
      extInfo,
    });
    await emit(Events.productScanned, product(8, `m:${B1}`, 'subscribe'));
    await emit(Events.productScanned, product(9, 'store=store-b'));
    await emit(Events.productScanned, product(10, undefined));
    await caughtUp(h);

    // the gateway's request path for the same scans (a redelivery under the same event id), then OAuth
    for (const [s, u] of [
      [s1, u1],
      [s5, u5],
      [s4, u3],
    ] as const) {
      await h.bus.request(Requests.replyScan, {
        trigger: 'scan',
        eventId: u.eventId,
        openid: u.openid,
        scene: s.scene,
      });
    }
    await confirmAs(h, s1.scene, u1.openid);
    await confirmAs(h, s5.scene, u5.openid);
    await h.bus.request(Requests.bindingPhotoDelete, { openid: user(1), photoId: photos[0].photoId });

    const a1 = expected({
      sessionsStarted: 3,
      sessionsWithQr: 2,
      sessionsEnded: 2,
      sessionLengthP50Seconds: 45,
      scansSession: 3,
      newFollowers: 2,
      claims: 1,
      confirmations: 1,
      photosTaken: 3,
      photosDeletedByCustomers: 1,
      qrToScanCount: 1,
      qrToScanP50Seconds: 12,
      qrToScanP90Seconds: 12,
    });
    const a2 = expected({
      sessionsStarted: 1,
      sessionsWithQr: 1,
      sessionsEnded: 1,
      sessionLengthP50Seconds: 120,
      scansSession: 2,
      scansPermanent: 1,
      newFollowers: 2,
      unsubscribedWithin7Days: 1,
      claims: 1,
      qrToScanCount: 1,
      qrToScanP50Seconds: 30,
      qrToScanP90Seconds: 30,
    });
    const b1 = expected({
      sessionsStarted: 1,
      sessionsWithQr: 1,
      sessionsEnded: 1,
      sessionLengthP50Seconds: 600,
      scansSession: 1,
      scansProduct: 1,
      newFollowers: 2,
      claims: 1,
      confirmations: 1,
      photosTaken: 1,
      qrToScanCount: 1,
      qrToScanP50Seconds: 5,
      qrToScanP90Seconds: 5,
    });
    const storeA = expected({
      sessionsStarted: 4,
      sessionsWithQr: 3,
      sessionsEnded: 3,
      sessionLengthP50Seconds: 120,
      scansSession: 5,
      scansPermanent: 1,
      newFollowers: 4,
      unsubscribedWithin7Days: 1,
      claims: 2,
      confirmations: 1,
      photosTaken: 3,
      photosDeletedByCustomers: 1,
      qrToScanCount: 2,
      qrToScanP50Seconds: 12,
      qrToScanP90Seconds: 30,
    });
    const chain = expected({
      sessionsStarted: 5,
      sessionsWithQr: 4,
      sessionsEnded: 4,
      sessionLengthP50Seconds: 120,
      scansSession: 6,
      scansPermanent: 1,
      scansProduct: 3,
      newFollowers: 6,
      unsubscribedWithin7Days: 1,
      claims: 3,
      confirmations: 2,
      photosTaken: 4,
      photosDeletedByCustomers: 1,
      qrToScanCount: 3,
      qrToScanP50Seconds: 12,
      qrToScanP90Seconds: 30,
    });

    // what reached a store (or nobody) but no mirror: a product scan each
    const storeOnly = expected({ scansProduct: 1 });
    const storeB = { ...b1, scans: { ...b1.scans, product: 2 } };
    const check = async () => {
      const byMirror = await stats({ by: ['mirror'] });
      expect(byMirror.rows).toEqual([
        { mirrorId: null, storeId: null, metrics: storeOnly },
        { mirrorId: A1, storeId: 'store-a', metrics: a1 },
        { mirrorId: A2, storeId: 'store-a', metrics: a2 },
        { mirrorId: null, storeId: 'store-b', metrics: storeOnly },
        { mirrorId: B1, storeId: 'store-b', metrics: b1 },
      ]);
      expect(byMirror.total).toEqual(chain);
      // the chain's own sums (its chart) agree with the mirrors'
      expect((await stats({ by: ['day'] })).rows).toEqual([{ day, metrics: chain }]);
      const byStore = await stats({ by: ['store', 'day'] });
      expect(byStore.rows).toEqual([
        { day, storeId: null, metrics: storeOnly },
        { day, storeId: 'store-a', metrics: storeA },
        { day, storeId: 'store-b', metrics: storeB },
      ]);
      // a store manager's scope: their store only
      const own = await stats({ storeIds: ['store-b'], by: ['mirror'] });
      expect(own.rows.map((r) => r.mirrorId)).toEqual([null, B1]);
      expect(own.total).toEqual(storeB);
      expect((await stats({ mirrorId: A2 })).total).toEqual(a2);
      expect(await h.rows('SELECT 1 FROM stats_dirty')).toEqual([]);
    };
    await check();

    // every event of the day delivered once more, and the scans once more through the request path
    for (const [contract, payload] of published) await h.publish(contract, payload as never);
    for (const [s, u] of [
      [s1, u1],
      [s5, u5],
      [s4, u3],
    ] as const)
      await h.bus.request(Requests.replyScan, {
        trigger: 'scan',
        eventId: u.eventId,
        openid: u.openid,
        scene: s.scene,
      });
    await caughtUp(h);
    await check();
    // the refresher recomputes everything from scratch to the same figures
    await h.rows(`INSERT INTO stats_dirty (mirror_id, day) SELECT mirror_id, day FROM stats_mirror_days`);
    await check();
  }, 120_000);

  it('reads a month broken down per mirror from the weekly sums exactly as day by day', async () => {
    const dayMs = 86400_000;
    const past = async (mirrorId: string, daysAgo: number, lengthS: number) => {
      const s = h.newSession(mirrorId);
      const start = Date.now() - daysAgo * dayMs;
      await emit(Events.sessionStarted, { ...s.started, at: iso(start) });
      await emit(Events.sessionEnded, { sessionId: s.sessionId, mirrorId, at: iso(start + lengthS * 1000) });
    };
    await past(A1, 3, 100);
    await past(A1, 9, 200);
    await past(A1, 16, 400);
    await past(A1, 23, 700);
    await past(B1, 10, 50);
    await caughtUp(h);
    const month = { from: shanghaiDay(Date.now() - 29 * dayMs), to: day };
    const byMirror = (await h.bus.request(Requests.statsGet, {
      ...month,
      by: ['mirror'],
    })) as StatsGetResponse;
    // that month and a range starting and ending mid-week (Thursdays, whatever weekday today is): each
    // mirror alone is read from the daily rows
    const monday = Date.parse(`${mondayOf(day)}T00:00:00Z`);
    const midWeeks = {
      from: iso(monday - 25 * dayMs).slice(0, 10),
      to: iso(monday - 4 * dayMs).slice(0, 10),
    };
    for (const range of [month, midWeeks]) {
      const all = (await h.bus.request(Requests.statsGet, { ...range, by: ['mirror'] })) as StatsGetResponse;
      for (const mirrorId of [A1, A2, B1]) {
        const alone = (await h.bus.request(Requests.statsGet, { ...range, mirrorId })) as StatsGetResponse;
        const row = all.rows.find((r) => r.mirrorId === mirrorId);
        expect([range, mirrorId, row?.metrics ?? alone.total]).toEqual([range, mirrorId, alone.total]);
      }
      expect(all.rows.some((r) => r.metrics.sessionsEnded > 0)).toBe(true);
    }
    // A1: today's 300 s and 45 s, then 100, 200, 400 and 700 s on earlier days
    expect(byMirror.rows.find((r) => r.mirrorId === A1)!.metrics.sessionLengthP50Seconds).toBe(200);
    const weeks = await h.rows<{ n: number }>(
      `SELECT count(DISTINCT week)::int AS n FROM stats_mirror_week_durations WHERE mirror_id = $1`,
      [A1],
    );
    expect(weeks[0].n).toBeGreaterThanOrEqual(3);
  });

  it('refuses a reversed or too long range, or a day that does not exist', async () => {
    await expect(h.bus.request(Requests.statsGet, { from: '2026-03-02', to: '2026-03-01' })).rejects.toThrow(
      /from must not be after to/,
    );
    await expect(h.bus.request(Requests.statsGet, { from: '2024-01-01', to: '2026-03-01' })).rejects.toThrow(
      /at most 366 days/,
    );
    await expect(h.bus.request(Requests.statsGet, { from: '2026-02-30', to: '2026-03-01' })).rejects.toThrow(
      /must be a real day/,
    );
  });
});
