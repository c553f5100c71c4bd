import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { sessionWithdrawnSql } from '../shared/session-withdrawn';

/** A claimed session with photos stored since its last announcement, quiet long enough to announce. */
export interface DueBurst {
  sessionId: string;
  openid: string;
  scene: string;
  claimedAt: Date;
  attempts: number;
  count: number;
  newestStoredAt: Date;
  lastPhotoId: string;
}

export interface DueQuery {
  now: Date;
  /** Claims older than this are past WeChat's 48-hour window anyway. */
  claimedAfter: Date;
  /** The newest photo of a burst must be older than this… */
  quietSince: Date;
  /** …or its oldest older than this. */
  waitedSince: Date;
  limit: number;
}

/** Postgres I/O for announcing photos taken after the scan. */
@Injectable()
export class PhotoAnnouncementRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Bursts due: photos of a claimed session stored after the claim and after the last announcement, none of
   * them withdrawn by the customer, not waiting for a retry.
   */
  due(q: DueQuery): Promise<DueBurst[]> {
    return this.db.rows<DueBurst>(
      `SELECT b.session_id AS "sessionId", b.openid, b.scene, b.claimed_at AS "claimedAt",
              COALESCE(a.attempts, 0) AS attempts, count(p.id)::int AS count,
              max(p.stored_at) AS "newestStoredAt",
              (array_agg(p.id ORDER BY p.stored_at DESC, p.id DESC))[1] AS "lastPhotoId"
         FROM bindings b
         LEFT JOIN photo_announcements a ON a.session_id = b.session_id
         JOIN photos p ON p.session_id = b.session_id AND p.status = 'stored'
                      AND p.stored_at > COALESCE(a.announced_until, b.claimed_at)
        WHERE b.claimed_at > $1
          AND (a.retry_at IS NULL OR a.retry_at <= $2)
          AND NOT ${sessionWithdrawnSql('b.session_id')}
        GROUP BY b.session_id, b.openid, b.scene, b.claimed_at, a.attempts
       HAVING max(p.stored_at) <= $3 OR min(p.stored_at) <= $4
        ORDER BY min(p.stored_at)
        LIMIT $5`,
      [q.claimedAfter, q.now, q.quietSince, q.waitedSince, q.limit],
    );
  }

  /** The session's photos up to `until` are announced (or given up on): never again. */
  async announced(sessionId: string, until: Date, outcome: string, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO photo_announcements AS a (session_id, announced_until, attempts, retry_at, last_outcome, updated_at)
       VALUES ($1, $2, 0, NULL, $3, $4)
       ON CONFLICT (session_id) DO UPDATE SET announced_until = GREATEST(a.announced_until, EXCLUDED.announced_until),
         attempts = 0, retry_at = NULL, last_outcome = EXCLUDED.last_outcome, updated_at = EXCLUDED.updated_at`,
      [sessionId, until, outcome, at],
    );
  }

  /** WeChat certainly did not get the message: try the session again at `retryAt`. */
  async retryLater(burst: DueBurst, attempts: number, retryAt: Date, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO photo_announcements AS a (session_id, announced_until, attempts, retry_at, last_outcome, updated_at)
       VALUES ($1, $2, $3, $4, 'retry', $5)
       ON CONFLICT (session_id) DO UPDATE SET attempts = EXCLUDED.attempts, retry_at = EXCLUDED.retry_at,
         last_outcome = 'retry', updated_at = EXCLUDED.updated_at`,
      [burst.sessionId, burst.claimedAt, attempts, retryAt, at],
    );
  }
}
