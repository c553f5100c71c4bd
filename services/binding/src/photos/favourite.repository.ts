import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

/** One look of a session, in the order taken. */
export interface SessionLook {
  photoId: string;
  takenAt: Date;
  favourite: boolean;
  favouritedAt: Date | null;
}

/** Postgres I/O for looks: a session's photos in order, and their favourites. */
@Injectable()
export class FavouriteRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /** The session's stored photos, oldest first. */
  async sessionLooks(sessionId: string): Promise<SessionLook[]> {
    return this.db.rows<SessionLook>(
      `SELECT id AS "photoId", taken_at AS "takenAt", favourite, favourited_at AS "favouritedAt"
         FROM photos WHERE session_id = $1 AND status = 'stored' AND taken_at IS NOT NULL
        ORDER BY taken_at, id`,
      [sessionId],
    );
  }

  /** Sets (not toggles: a repeat changes nothing) a look of the session as favourite or not. */
  async setForSession(photoId: string, sessionId: string, favourite: boolean, at: Date): Promise<boolean> {
    const rows = await this.db.rows(
      `UPDATE photos SET favourite = $3, favourited_at = CASE WHEN $3 THEN COALESCE(
                CASE WHEN favourite THEN favourited_at END, $4) END
        WHERE id = $1 AND session_id = $2 AND status = 'stored' RETURNING id`,
      [photoId, sessionId, favourite, at],
    );
    return rows.length > 0;
  }

  /**
   * The photo page: a confirmed customer (un)favourites one of their own photos; 'not-found' also for
   * someone else's. Returns the photo's session and mirror, so the mirror's screen can follow.
   */
  async setIfOwned(
    photoId: string,
    openid: string,
    favourite: boolean,
    at: Date,
  ): Promise<{ sessionId: string; mirrorId: string } | null> {
    return this.db.row<{ sessionId: string; mirrorId: string }>(
      `UPDATE photos p SET favourite = $3, favourited_at = CASE WHEN $3 THEN COALESCE(
                CASE WHEN p.favourite THEN p.favourited_at END, $4) END
         FROM bindings b
        WHERE p.id = $1 AND p.status = 'stored' AND b.session_id = p.session_id
          AND b.openid = $2 AND b.status = 'confirmed'
        RETURNING p.session_id AS "sessionId", p.mirror_id AS "mirrorId"`,
      [photoId, openid, favourite, at],
    );
  }

  /**
   * Products linked to the session's looks: scanned with its scene in their ExtInfo, or with its mirror's
   * while it was open; oldest first.
   */
  async sessionProducts(sessionId: string): Promise<{ code: string; at: Date }[]> {
    return this.db.rows<{ code: string; at: Date }>(
      `SELECT ps.key_str AS code, ps.scanned_at AS at
         FROM product_scans ps JOIN sessions s ON s.id = $1
        WHERE ps.scene IN (SELECT scene FROM session_scenes WHERE session_id = $1)
           OR (ps.mirror_id = s.mirror_id AND ps.scanned_at >= s.started_at
               AND (s.ended_at IS NULL OR ps.scanned_at <= s.ended_at))
        ORDER BY ps.scanned_at LIMIT 50`,
      [sessionId],
    );
  }
}
