import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { LockClass } from '../database/lock-class';

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
 * deletions on the request; a follow's "unsubscribed within 7 days" on the follow's day. Scans, claims and
 * confirmations belong to the mirror of the session they point at.
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
    SELECT ss.mirror_id, stats_day(x.scanned_at) AS day, count(*) AS scans,
           count(*) FILTER (WHERE x.new_follower) AS followers,
           count(*) FILTER (WHERE x.new_follower AND NOT u.subscribed
                              AND u.subscription_changed_at > x.scanned_at
                              AND u.subscription_changed_at <= x.scanned_at + interval '7 days') AS unsubscribed
      FROM span, scans x
      JOIN sessions ss ON ss.id = x.session_id
      JOIN wechat_users u ON u.openid = x.openid
     WHERE x.scanned_at >= span.lo AND x.scanned_at < span.hi
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
    SELECT p.mirror_id, p.day, count(*) AS n
      FROM pairs p JOIN photos ph ON ph.mirror_id = p.mirror_id AND ph.taken_at >= p.lo AND ph.taken_at < p.hi
     GROUP BY 1, 2
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
  SELECT p.day, p.mirror_id, m.store_id, COALESCE(s.started, 0), COALESCE(s.with_qr, 0), COALESCE(s.ended, 0),
         COALESCE(x.scans, 0), 0, 0, COALESCE(x.followers, 0), COALESCE(x.unsubscribed, 0),
         COALESCE(c.n, 0), COALESCE(f.n, 0), COALESCE(ph.n, 0), COALESCE(d.n, 0), now()
    FROM pairs p
    LEFT JOIN mirrors m ON m.id = p.mirror_id
    LEFT JOIN s USING (mirror_id, day) LEFT JOIN x USING (mirror_id, day) LEFT JOIN c USING (mirror_id, day)
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
      await this.db.execute(COUNTERS, [mirrors, days]);
      await this.db.execute(
        `DELETE FROM stats_mirror_day_durations d USING unnest($1::varchar[], $2::date[]) AS p(mirror_id, day)
          WHERE d.mirror_id = p.mirror_id AND d.day = p.day`,
        [mirrors, days],
      );
      await this.db.execute(DURATIONS, [mirrors, days]);
      return pairs.size;
    });
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
