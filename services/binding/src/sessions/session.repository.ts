import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRow } from '../shared/sql';

/** Postgres I/O for mirrors and sessions. */
@Injectable()
export class SessionRepository {
  /**
   * Records the mirror. The upsert also row-locks the mirror until the transaction ends, which
   * serialises the events of one mirror that match photos to sessions by time (none misses another).
   */
  async touchMirror(em: EntityManager, mirrorId: string, at: Date): Promise<void> {
    await em.query(
      `INSERT INTO mirrors AS m (id, first_seen_at, last_seen_at) VALUES ($1, $2, $2)
       ON CONFLICT (id) DO UPDATE SET first_seen_at = LEAST(m.first_seen_at, EXCLUDED.first_seen_at),
                                      last_seen_at = GREATEST(m.last_seen_at, EXCLUDED.last_seen_at)`,
      [mirrorId, at],
    );
  }

  /** The session row, created bare when a photo or its QR code arrives before `session.started`. */
  async ensureSession(em: EntityManager, sessionId: string, mirrorId: string): Promise<void> {
    await em.query(`INSERT INTO sessions (id, mirror_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
      sessionId,
      mirrorId,
    ]);
  }

  async recordStarted(
    em: EntityManager,
    s: { sessionId: string; mirrorId: string; at: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO sessions AS s (id, mirror_id, started_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET started_at = COALESCE(s.started_at, EXCLUDED.started_at), updated_at = now()
       WHERE s.started_at IS NULL`,
      [s.sessionId, s.mirrorId, s.at],
    );
  }

  async recordEnded(
    em: EntityManager,
    s: { sessionId: string; mirrorId: string; at: Date; reason: string },
  ): Promise<void> {
    await em.query(
      `INSERT INTO sessions AS s (id, mirror_id, ended_at, end_reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, updated_at = now()
       WHERE s.ended_at IS NULL`,
      [s.sessionId, s.mirrorId, s.at, s.reason],
    );
  }

  /** True when a later session has started on the mirror (its screen belongs to that one now). */
  async laterSessionStarted(em: EntityManager, mirrorId: string, sessionId: string): Promise<boolean> {
    const row = await queryRow<{ later: boolean }>(
      em,
      `SELECT EXISTS (
         SELECT 1 FROM sessions later, sessions this
          WHERE this.id = $2 AND later.mirror_id = $1 AND later.id <> this.id AND later.started_at IS NOT NULL
            AND later.started_at > COALESCE(this.started_at, this.created_at)) AS later`,
      [mirrorId, sessionId],
    );
    return row?.later ?? false;
  }
}
