import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

export interface GallerySession {
  sessionId: string;
  mirrorId: string;
  startedAt: Date;
  photos: {
    photoId: string;
    takenAt: Date;
    width: number | null;
    height: number | null;
    favourite: boolean;
  }[];
}

interface Row {
  sessionId: string;
  mirrorId: string;
  startedAt: Date;
  photoId: string | null;
  takenAt: Date | null;
  width: number | null;
  height: number | null;
  favourite: boolean | null;
}

/** Postgres I/O for the customer's gallery. */
@Injectable()
export class GalleryRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /** The user's confirmed sessions and their photos that still exist, newest first. */
  async confirmedSessions(openid: string): Promise<GallerySession[]> {
    const rows = await this.db.rows<Row>(
      `SELECT s.id AS "sessionId", s.mirror_id AS "mirrorId", COALESCE(s.started_at, s.created_at) AS "startedAt",
              p.id AS "photoId", p.taken_at AS "takenAt", p.width, p.height, p.favourite
         FROM bindings b
         JOIN sessions s ON s.id = b.session_id
         LEFT JOIN photos p ON p.session_id = s.id AND p.status = 'stored'
        WHERE b.openid = $1 AND b.status = 'confirmed'
        ORDER BY 3 DESC, s.id DESC, p.taken_at DESC, p.id DESC`,
      [openid],
    );
    const sessions: GallerySession[] = [];
    for (const row of rows) {
      let session = sessions[sessions.length - 1];
      if (session?.sessionId !== row.sessionId) {
        session = { sessionId: row.sessionId, mirrorId: row.mirrorId, startedAt: row.startedAt, photos: [] };
        sessions.push(session);
      }
      if (row.photoId && row.takenAt) {
        session.photos.push({
          photoId: row.photoId,
          takenAt: row.takenAt,
          width: row.width,
          height: row.height,
          favourite: row.favourite === true,
        });
      }
    }
    return sessions;
  }
}
