import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { LockClass } from '../database/lock-class';
import { mondayOf } from './weeks';

/** The (mirror, day) pairs of one recomputation, with each day's bounds in Asia/Shanghai. */
const PAIRS = `
  pairs AS (
    SELECT p.mirror_id, p.day,
           p.day::timestamp AT TIME ZONE 'Asia/Shanghai' AS lo,
           (p.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS hi
      FROM unnest($1::varchar[], $2::date[]) AS p(mirror_id, day)
  ),
  span AS (SELECT min(lo) AS lo, max(hi) AS hi FROM pairs),
  sess AS (
    SELECT p.mirror_id, p.day, s.id, s.started_at, s.ended_at
      FROM pairs p JOIN sessions s ON s.mirror_id = p.mirror_id AND s.started_at >= p.lo AND s.started_at < p.hi
  )`;

/**
 * Each metric on the day of its own event: sessions (with a QR code, ended) on their start, scans and the
 * follows they made on the scan, claims and confirmations on theirs, photos on `taken_at`, customers'
 * deletions on the request; a follow's "unsubscribed within 7 days" (an `unsubscribes` row of the same
 * openid in the 7 days after it) on the follow's day. Scans belong to the mirror they are attributed to
 * (`scans.mirror_id`: the session's, or the mirror of a permanent code); claims and confirmations to the
 * mirror of their session. Session and permanent scans come from `scans`, product scans from `product_scans`
 * (a product scan that carried a scene has a `scans` row too: it is not counted twice), with the follows
 * they made when no scene did; a product scan with no mirror counts for its store (`@<storeId>`) or the
 * chain (`@`) only.
 */
const COUNTERS = `
  WITH ${PAIRS},
  s AS (
    SELECT mirror_id, day, count(*) AS started,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_scenes q WHERE q.session_id = sess.id)) AS with_qr,
           count(*) FILTER (WHERE ended_at >= started_at) AS ended
      FROM sess GROUP BY 1, 2
  ),
  x AS (
    SELECT p.mirror_id, p.day, x.*
      FROM pairs p CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.kind = 'session') AS session_scans,
               count(*) FILTER (WHERE x.kind = 'permanent') AS permanent_scans,
               count(*) FILTER (WHERE x.new_follower) AS followers,
               count(*) FILTER (WHERE x.new_follower AND EXISTS (
                 SELECT 1 FROM unsubscribes u WHERE u.openid = x.openid
                    AND u.unsubscribed_at > x.scanned_at AND u.unsubscribed_at <= x.scanned_at + interval '7 days'
               )) AS unsubscribed
          FROM scans x WHERE x.mirror_id = p.mirror_id AND x.scanned_at >= p.lo AND x.scanned_at < p.hi) x
  ),
  pr AS (
    SELECT p.mirror_id, p.day, count(*) AS scans,
           count(*) FILTER (WHERE ps.new_follower AND ps.scene IS NULL) AS followers,
           count(*) FILTER (WHERE ps.new_follower AND ps.scene IS NULL AND EXISTS (
             SELECT 1 FROM unsubscribes u WHERE u.openid = ps.openid
                AND u.unsubscribed_at > ps.scanned_at AND u.unsubscribed_at <= ps.scanned_at + interval '7 days'
           )) AS unsubscribed
      FROM span, product_scans ps
      JOIN pairs p ON p.mirror_id = stats_source(ps.mirror_id, ps.store_id)
       AND ps.scanned_at >= p.lo AND ps.scanned_at < p.hi
     WHERE ps.scanned_at >= span.lo AND ps.scanned_at < span.hi
     GROUP BY 1, 2
  ),
  c AS (
    SELECT ss.mirror_id, stats_day(b.claimed_at) AS day, count(*) AS n
      FROM span, bindings b JOIN sessions ss ON ss.id = b.session_id
     WHERE b.claimed_at >= span.lo AND b.claimed_at < span.hi GROUP BY 1, 2
  ),
  f AS (
    SELECT ss.mirror_id, stats_day(b.confirmed_at) AS day, count(*) AS n
      FROM span, bindings b JOIN sessions ss ON ss.id = b.session_id
     WHERE b.confirmed_at >= span.lo AND b.confirmed_at < span.hi GROUP BY 1, 2
  ),
  ph AS (
    SELECT p.mirror_id, p.day, ph.n
      FROM pairs p CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM photos ph
         WHERE ph.mirror_id = p.mirror_id AND ph.taken_at >= p.lo AND ph.taken_at < p.hi) ph
  ),
  d AS (
    SELECT p.mirror_id, p.day, count(*) AS n
      FROM pairs p JOIN photos ph ON ph.mirror_id = p.mirror_id AND ph.deleted_reason = 'customer'
       AND ph.delete_requested_at >= p.lo AND ph.delete_requested_at < p.hi
     GROUP BY 1, 2
  )
  INSERT INTO stats_mirror_days AS t (day, mirror_id, store_id, sessions_started, sessions_with_qr, sessions_ended,
    scans_session, scans_permanent, scans_product, new_followers, unsubscribed_within_7d, claims, confirmations,
    photos_taken, photos_deleted_by_customers, refreshed_at)
  SELECT p.day, p.mirror_id,
         CASE WHEN p.mirror_id LIKE '@%' THEN NULLIF(substr(p.mirror_id, 2), '') ELSE m.store_id END,
         COALESCE(s.started, 0), COALESCE(s.with_qr, 0), COALESCE(s.ended, 0),
         COALESCE(x.session_scans, 0), COALESCE(x.permanent_scans, 0), COALESCE(pr.scans, 0),
         COALESCE(x.followers, 0) + COALESCE(pr.followers, 0),
         COALESCE(x.unsubscribed, 0) + COALESCE(pr.unsubscribed, 0),
         COALESCE(c.n, 0), COALESCE(f.n, 0), COALESCE(ph.n, 0), COALESCE(d.n, 0), now()
    FROM pairs p
    LEFT JOIN mirrors m ON m.id = p.mirror_id
    LEFT JOIN s USING (mirror_id, day) LEFT JOIN x USING (mirror_id, day) LEFT JOIN pr USING (mirror_id, day)
    LEFT JOIN c USING (mirror_id, day)
    LEFT JOIN f USING (mirror_id, day) LEFT JOIN ph USING (mirror_id, day) LEFT JOIN d USING (mirror_id, day)
  ON CONFLICT (day, mirror_id) DO UPDATE SET
    store_id = EXCLUDED.store_id, sessions_started = EXCLUDED.sessions_started,
    sessions_with_qr = EXCLUDED.sessions_with_qr, sessions_ended = EXCLUDED.sessions_ended,
    scans_session = EXCLUDED.scans_session, scans_permanent = EXCLUDED.scans_permanent,
    scans_product = EXCLUDED.scans_product, new_followers = EXCLUDED.new_followers,
    unsubscribed_within_7d = EXCLUDED.unsubscribed_within_7d, claims = EXCLUDED.claims,
    confirmations = EXCLUDED.confirmations, photos_taken = EXCLUDED.photos_taken,
    photos_deleted_by_customers = EXCLUDED.photos_deleted_by_customers, refreshed_at = EXCLUDED.refreshed_at`;

/**
 * Session lengths (sessions started that day and ended) and, per session started that day, the time from
 * its first QR code being recorded (qr.issued, when the mirror was told to show it) to its first scan.
 */
const DURATIONS = `
  WITH ${PAIRS},
  seconds AS (
    SELECT mirror_id, day, 'session' AS metric, round(extract(epoch FROM ended_at - started_at))::int AS s
      FROM sess WHERE ended_at IS NOT NULL
    UNION ALL
    SELECT sess.mirror_id, sess.day, 'qr_to_scan', round(extract(epoch FROM fs.at - fq.at))::int
      FROM sess
      CROSS JOIN LATERAL (SELECT min(q.created_at) AS at FROM session_scenes q WHERE q.session_id = sess.id) fq
      CROSS JOIN LATERAL (SELECT min(x.scanned_at) AS at FROM scans x WHERE x.session_id = sess.id) fs
     WHERE fq.at IS NOT NULL AND fs.at >= fq.at
  )
  INSERT INTO stats_mirror_day_durations (day, mirror_id, store_id, metric, bucket, n)
  SELECT v.day, v.mirror_id, m.store_id, v.metric, stats_bucket(v.s), count(*)
    FROM seconds v LEFT JOIN mirrors m ON m.id = v.mirror_id
   WHERE v.s >= 0
   GROUP BY 1, 2, 3, 4, 5`;

/**
 * The per-store sums of the duration histograms, for the (store, day) pairs given ('' = no store), then the
 * chain's sums of those days.
 */
const STORE_DURATIONS = [
  `DELETE FROM stats_store_day_durations d USING unnest($1::varchar[], $2::date[]) AS p(store_id, day)
    WHERE d.store_id = p.store_id AND d.day = p.day`,
  `INSERT INTO stats_store_day_durations (day, store_id, metric, bucket, n)
   SELECT d.day, COALESCE(d.store_id, ''), d.metric, d.bucket, sum(d.n)
     FROM stats_mirror_day_durations d
     JOIN unnest($1::varchar[], $2::date[]) AS p(store_id, day) ON COALESCE(d.store_id, '') = p.store_id AND d.day = p.day
    GROUP BY 1, 2, 3, 4`,
];
/** The per-mirror weekly sums of the duration histograms, for the (mirror, week) pairs given (weeks: Mondays). */
const WEEK_DURATIONS = [
  `DELETE FROM stats_mirror_week_durations w USING unnest($1::varchar[], $2::date[]) AS p(mirror_id, week)
    WHERE w.mirror_id = p.mirror_id AND w.week = p.week`,
  `INSERT INTO stats_mirror_week_durations (week, mirror_id, metric, bucket, n)
   SELECT p.week, d.mirror_id, d.metric, d.bucket, sum(d.n)
     FROM unnest($1::varchar[], $2::date[]) AS p(mirror_id, week)
     JOIN stats_mirror_day_durations d ON d.mirror_id = p.mirror_id AND d.day >= p.week AND d.day < p.week + 7
    GROUP BY 1, 2, 3, 4`,
];
const CHAIN_DURATIONS = [
  `DELETE FROM stats_chain_day_durations d WHERE d.day = ANY($1::date[])`,
  `INSERT INTO stats_chain_day_durations (day, metric, bucket, n)
   SELECT day, metric, bucket, sum(n) FROM stats_store_day_durations WHERE day = ANY($1::date[])
    GROUP BY 1, 2, 3`,
];

export interface DirtyRange {
  from: string;
  to: string;
}

/** The materialised statistics: recomputing changed (mirror, day) pairs. Reading them: StatsQueryRepository. */
@Injectable()
export class StatsRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Recomputes up to `limit` changed (mirror, day) pairs (within `range` when given) from the source tables
   * and clears their marks; returns how many pairs it recomputed. One refresh at a time (LockClass.stats):
   * the marks it clears were committed with their changes, which its later statements therefore see.
   */
  refreshDirty(limit: number, range?: DirtyRange): Promise<number> {
    return this.db.transaction(async () => {
      await this.db.execute('SELECT pg_advisory_xact_lock($1, 0)', [LockClass.stats]);
      // these statements are cheap per pair but costed high: JIT would spend ~1 s compiling them
      await this.db.execute('SET LOCAL jit = off');
      const marks = await this.db.rows<{ mirrorId: string; day: string }>(
        `WITH picked AS (
           SELECT id FROM stats_dirty
            WHERE $2::date IS NULL OR day BETWEEN $2::date AND $3::date
            ORDER BY id LIMIT $1)
         DELETE FROM stats_dirty d USING picked WHERE d.id = picked.id
         RETURNING d.mirror_id AS "mirrorId", to_char(d.day, 'YYYY-MM-DD') AS day`,
        [limit, range?.from ?? null, range?.to ?? null],
      );
      if (marks.length === 0) return 0;
      const pairs = new Map(marks.map((m) => [`${m.day} ${m.mirrorId}`, m]));
      const mirrors = [...pairs.values()].map((p) => p.mirrorId);
      const days = [...pairs.values()].map((p) => p.day);
      // the stores whose sums these pairs are in, before and after (a mirror may have been registered since)
      const before = await this.storeDays(mirrors, days);
      await this.db.execute(COUNTERS, [mirrors, days]);
      await this.db.execute(
        `DELETE FROM stats_mirror_day_durations d USING unnest($1::varchar[], $2::date[]) AS p(mirror_id, day)
          WHERE d.mirror_id = p.mirror_id AND d.day = p.day`,
        [mirrors, days],
      );
      await this.db.execute(DURATIONS, [mirrors, days]);
      const weeks = new Map(
        [...pairs.values()].map((p) => {
          const week = mondayOf(p.day);
          return [`${week} ${p.mirrorId}`, { mirrorId: p.mirrorId, week }];
        }),
      );
      for (const sql of WEEK_DURATIONS) {
        await this.db.execute(sql, [
          [...weeks.values()].map((w) => w.mirrorId),
          [...weeks.values()].map((w) => w.week),
        ]);
      }
      const storeDays = new Map(
        [...before, ...(await this.storeDays(mirrors, days))].map((s) => [`${s.day} ${s.storeId}`, s]),
      );
      const stores = [...storeDays.values()];
      for (const sql of STORE_DURATIONS) {
        await this.db.execute(sql, [stores.map((s) => s.storeId), stores.map((s) => s.day)]);
      }
      const changedDays = [...new Set(stores.map((s) => s.day))];
      for (const sql of CHAIN_DURATIONS) await this.db.execute(sql, [changedDays]);
      return pairs.size;
    });
  }

  private storeDays(mirrors: string[], days: string[]) {
    return this.db.rows<{ storeId: string; day: string }>(
      `SELECT DISTINCT COALESCE(t.store_id, '') AS "storeId", to_char(t.day, 'YYYY-MM-DD') AS day
         FROM stats_mirror_days t JOIN unnest($1::varchar[], $2::date[]) AS p(mirror_id, day)
           ON t.mirror_id = p.mirror_id AND t.day = p.day`,
      [mirrors, days],
    );
  }

  /** Whether any change within `range` is not yet reflected in the statistics. */
  async hasDirty(range: DirtyRange): Promise<boolean> {
    const row = await this.db.row<{ dirty: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM stats_dirty WHERE day BETWEEN $1::date AND $2::date) AS dirty`,
      [range.from, range.to],
    );
    return row?.dirty ?? false;
  }
}
