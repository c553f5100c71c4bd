import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

/** Postgres I/O for OAuth confirmations. */
@Injectable()
export class OAuthRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /** Who claimed the session behind a scene. */
  claimForScene(scene: string): Promise<{ sessionId: string; openid: string } | null> {
    return this.db.row(
      `SELECT b.session_id AS "sessionId", b.openid FROM session_scenes q JOIN bindings b ON b.session_id = q.session_id
        WHERE q.scene = $1`,
      [scene],
    );
  }

  /** claimed → confirmed, for the claimer only; confirming again keeps the first time. */
  async confirm(sessionId: string, openid: string, at: Date): Promise<void> {
    await this.db.execute(
      `UPDATE bindings SET status = 'confirmed', confirmed_at = COALESCE(confirmed_at, $3)
        WHERE session_id = $1 AND openid = $2`,
      [sessionId, openid, at],
    );
  }
}
