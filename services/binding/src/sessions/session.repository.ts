import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

/** Postgres I/O for mirrors and their sessions: which session was open on a mirror when. */
@Injectable()
export class SessionRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Records the mirror. The upsert also row-locks the mirror until the transaction ends, which
   * serialises the events of one mirror that match photos to sessions by time (none misses another).
   */
  async touchMirror(mirrorId: string, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO mirrors AS m (id, first_seen_at, last_seen_at) VALUES ($1, $2, $2)
       ON CONFLICT (id) DO UPDATE SET first_seen_at = LEAST(m.first_seen_at, EXCLUDED.first_seen_at),
                                      last_seen_at = GREATEST(m.last_seen_at, EXCLUDED.last_seen_at)`,
      [mirrorId, at],
    );
  }

  /** The session row, created bare when a photo or its QR code arrives before `session.started`. */
  async ensureSession(sessionId: string, mirrorId: string): Promise<void> {
    await this.db.execute(
      `INSERT INTO sessions (id, mirror_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
      [sessionId, mirrorId],
    );
  }

  /** The start, once: a redelivery or a later start of the same session changes nothing. */
  async recordStarted(s: { sessionId: string; mirrorId: string; at: Date }): Promise<void> {
    await this.db.execute(
      `INSERT INTO sessions AS s (id, mirror_id, started_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET started_at = COALESCE(s.started_at, EXCLUDED.started_at), updated_at = now()
       WHERE s.started_at IS NULL`,
      [s.sessionId, s.mirrorId, s.at],
    );
  }

  /** The end, once: a redelivery changes nothing. */
  async recordEnded(s: { sessionId: string; mirrorId: string; at: Date; reason: string }): Promise<void> {
    await this.db.execute(
      `INSERT INTO sessions AS s (id, mirror_id, ended_at, end_reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, updated_at = now()
       WHERE s.ended_at IS NULL`,
      [s.sessionId, s.mirrorId, s.at, s.reason],
    );
  }

  /** True when a later session has started on the mirror (its screen belongs to that one now). */
  async laterSessionStarted(mirrorId: string, sessionId: string): Promise<boolean> {
    const row = await this.db.row<{ later: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM sessions later, sessions this
          WHERE this.id = $2 AND later.mirror_id = $1 AND later.id <> this.id AND later.started_at IS NOT NULL
            AND later.started_at > COALESCE(this.started_at, this.created_at)) AS later`,
      [mirrorId, sessionId],
    );
    return row?.later ?? false;
  }

  /**
   * Matches the mirror's photos that named no session to the session open on that mirror when they were
   * taken (the latest started one wins), from `from` on. Run whenever a session's start or end becomes
   * known, and for each such photo: the rows join whatever order the events come in. Idempotent: a photo
   * already on the right session is not touched. Returns how many photos moved.
   */
  async attachPhotosByTime(mirrorId: string, from: Date): Promise<number> {
    const rows = await this.db.rows(
      `UPDATE photos p SET session_id = m.sid, session_source = CASE WHEN m.sid IS NULL THEN NULL ELSE 'time' END
         FROM (
           SELECT x.id, (SELECT s.id FROM sessions s
                          WHERE s.mirror_id = x.mirror_id AND s.started_at <= x.taken_at
                            AND (s.ended_at IS NULL OR x.taken_at <= s.ended_at)
                          ORDER BY s.started_at DESC LIMIT 1) AS sid
             FROM photos x
            WHERE x.mirror_id = $1 AND x.taken_at >= $2 AND x.session_source IS DISTINCT FROM 'mirror'
         ) m
        WHERE p.id = m.id AND p.session_id IS DISTINCT FROM m.sid
        RETURNING p.id`,
      [mirrorId, from],
    );
    return rows.length;
  }
}
