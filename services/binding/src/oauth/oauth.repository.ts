import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRow } from '../shared/sql';

/** Postgres I/O for OAuth confirmations. */
@Injectable()
export class OAuthRepository {
  /** Who claimed the session behind a scene. */
  claimForScene(em: EntityManager, scene: string): Promise<{ sessionId: string; openid: string } | null> {
    return queryRow(
      em,
      `SELECT b.session_id AS "sessionId", b.openid FROM session_scenes q JOIN bindings b ON b.session_id = q.session_id
        WHERE q.scene = $1`,
      [scene],
    );
  }

  /** claimed → confirmed, for the claimer only; confirming again keeps the first time. */
  async confirm(em: EntityManager, sessionId: string, openid: string, at: Date): Promise<void> {
    await em.query(
      `UPDATE bindings SET status = 'confirmed', confirmed_at = COALESCE(confirmed_at, $3)
        WHERE session_id = $1 AND openid = $2`,
      [sessionId, openid, at],
    );
  }
}
