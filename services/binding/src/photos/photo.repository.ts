import { Injectable } from '@nestjs/common';
import type { PhotoStored } from '@mirror/contracts';
import { DatabaseRepository } from '../database/database.repository';
import type { PhotoDeletedReason } from '../database/entities/photo.entity';

export interface SessionSummary {
  count: number;
  favourites: number;
  newestPhotoId: string | null;
  coverPhotoId: string | null;
}

/** Postgres I/O for photos (which session a photo belongs to by time: SessionRepository.attachPhotosByTime). */
@Injectable()
export class PhotoRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Records a stored photo once. A redelivery changes nothing; a tombstone left by an earlier
   * `photo.deleted` gets its metadata but stays deleted.
   */
  async insertStored(p: PhotoStored, storedAt: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO photos AS p (id, mirror_id, session_id, session_source, taken_at, sha256, width, height, bytes,
                                content_type, key_original, key_display, key_thumb, status, stored_at)
       VALUES ($1, $2, $3, CASE WHEN $3::char(26) IS NULL THEN NULL ELSE 'mirror' END, $4, $5, $6, $7, $8, $9,
               $10, $11, $12, 'stored', $13)
       ON CONFLICT (id) DO UPDATE SET
         mirror_id = EXCLUDED.mirror_id, session_id = EXCLUDED.session_id, session_source = EXCLUDED.session_source,
         taken_at = EXCLUDED.taken_at, sha256 = EXCLUDED.sha256, width = EXCLUDED.width, height = EXCLUDED.height,
         bytes = EXCLUDED.bytes, content_type = EXCLUDED.content_type, key_original = EXCLUDED.key_original,
         key_display = EXCLUDED.key_display, key_thumb = EXCLUDED.key_thumb, stored_at = EXCLUDED.stored_at
       WHERE p.mirror_id IS NULL`,
      [
        p.photoId,
        p.mirrorId,
        p.sessionId ?? null,
        new Date(p.takenAt),
        p.sha256,
        p.width,
        p.height,
        p.bytes,
        p.contentType,
        p.keys.original,
        p.keys.display,
        p.keys.thumb,
        storedAt,
      ],
    );
  }

  /** photo-store deleted the photo: gone for good (a tombstone if we never saw it stored). */
  async markDeletedByPhotoStore(photoId: string, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO photos AS p (id, status, deleted_reason, deleted_at) VALUES ($1, 'deleted', 'photo-store', $2)
       ON CONFLICT (id) DO UPDATE SET status = 'deleted',
         deleted_reason = COALESCE(p.deleted_reason, 'photo-store'), deleted_at = COALESCE(p.deleted_at, $2)
       WHERE p.status <> 'deleted'`,
      [photoId, at],
    );
  }

  async insertRejection(r: { photoId: string; mirrorId: string; reason: string; at: Date }): Promise<void> {
    await this.db.execute(
      `INSERT INTO photo_rejections (photo_id, mirror_id, reason, rejected_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (photo_id) DO NOTHING`,
      [r.photoId, r.mirrorId, r.reason, r.at],
    );
  }

  /**
   * How many photos (looks) a session has, how many are favourites, its newest one, and its cover: the
   * latest favourite, else the newest.
   */
  async sessionSummary(sessionId: string): Promise<SessionSummary> {
    const row = await this.db.row<SessionSummary>(
      `SELECT count(*)::int AS count, count(*) FILTER (WHERE favourite)::int AS favourites,
              (array_agg(id ORDER BY taken_at DESC, id DESC))[1] AS "newestPhotoId",
              (array_agg(id ORDER BY favourite DESC, favourited_at DESC NULLS LAST, taken_at DESC, id DESC))[1]
                AS "coverPhotoId"
         FROM photos WHERE session_id = $1 AND status = 'stored'`,
      [sessionId],
    );
    return row ?? { count: 0, favourites: 0, newestPhotoId: null, coverPhotoId: null };
  }

  /** Hides a confirmed customer's own photo at once; 'not-found' also for someone else's photo. */
  async markDeletingIfOwned(
    photoId: string,
    openid: string,
    at: Date,
  ): Promise<'marked' | 'already' | 'not-found'> {
    const marked = await this.db.rows(
      `UPDATE photos p SET status = 'deleting', deleted_reason = 'customer', delete_requested_at = $3
         FROM bindings b
        WHERE p.id = $1 AND p.status = 'stored' AND b.session_id = p.session_id
          AND b.openid = $2 AND b.status = 'confirmed'
        RETURNING p.id`,
      [photoId, openid, at],
    );
    if (marked.length) return 'marked';
    const owned = await this.db.row(
      `SELECT 1 FROM photos p JOIN bindings b ON b.session_id = p.session_id
        WHERE p.id = $1 AND b.openid = $2 AND b.status = 'confirmed'`,
      [photoId, openid],
    );
    return owned ? 'already' : 'not-found';
  }

  /** photo-store confirmed the deletion. */
  async markDeleted(photoId: string, reason: PhotoDeletedReason, at: Date): Promise<void> {
    await this.db.execute(
      `UPDATE photos SET status = 'deleted', deleted_reason = COALESCE(deleted_reason, $2), deleted_at = $3
        WHERE id = $1 AND status <> 'deleted'`,
      [photoId, reason, at],
    );
  }
}
