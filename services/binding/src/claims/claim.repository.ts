import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { LockClass } from '../database/lock-class';

/**
 * What the claim rule made of a scan: `pending` while its scene is unknown; `claimed` when this scan claimed
 * the session (of mirror `mirrorId`); `evaluated` when the scan was decided just now rather than before.
 */
export interface Decision {
  outcome: ScanOutcome;
  sessionId: string | null;
  mirrorId: string | null;
  claimed: boolean;
  evaluated: boolean;
}

const DECISION_COLUMNS = `outcome, session_id AS "sessionId", mirror_id AS "mirrorId", claimed, evaluated`;

export interface BindingRow {
  sessionId: string;
  openid: string;
  scene: string;
  status: 'claimed' | 'confirmed';
}

/**
 * Postgres I/O for scans, scenes and claims. The claim rule itself (claim-rule.ts) runs in Postgres, in
 * the functions of migration ClaimFunctions: this class calls them.
 */
@Injectable()
export class ClaimRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Serialises everything about one scene until the transaction ends, so a scan committed while its
   * `qr.issued` is being recorded is never left unjoined (each sees the other's committed rows).
   */
  async lockScene(scene: string): Promise<void> {
    await this.db.execute('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LockClass.scene, scene]);
  }

  /**
   * Records a scan once per event id (touching its user) and decides it by the claim rule, in one round
   * trip (`binding_record_scene_scan`, migration MirrorCodes): the scene's lock, the user, the scan row, then
   * `binding_evaluate_scan`. A mirror's code (`m:<mirrorId>`) stands for the code of the session open on that
   * mirror (latest first), under the mirror's lock; with none open the scan is `welcome`.
   */
  async recordScan(scan: {
    eventId: string;
    openid: string;
    scene: string;
    newFollower: boolean;
    at: Date;
    viaProduct?: boolean;
  }): Promise<Decision> {
    return (await this.db.row<Decision>(
      `SELECT ${DECISION_COLUMNS} FROM binding_record_scene_scan($1, $2, $3, $4, $5, $6)`,
      [scan.eventId, scan.openid, scan.scene, scan.viaProduct ?? false, scan.newFollower, scan.at],
    ))!;
  }

  /** The scene a recorded scan counts for: a mirror code's scan resolves to the open session's own scene. */
  async scanScene(eventId: string): Promise<string | null> {
    const row = await this.db.row<{ scene: string }>(`SELECT scene FROM scans WHERE event_id = $1`, [
      eventId,
    ]);
    return row?.scene ?? null;
  }

  /** Whether a scene is a session's QR code binding knows. */
  async sceneKnown(scene: string): Promise<boolean> {
    return (await this.db.row(`SELECT 1 AS known FROM session_scenes WHERE scene = $1`, [scene])) !== null;
  }

  /** Decides a recorded scan by the claim rule (`binding_evaluate_scan`); the caller holds the scene's lock. */
  async evaluateScan(eventId: string): Promise<Decision> {
    return (await this.db.row<Decision>(`SELECT ${DECISION_COLUMNS} FROM binding_evaluate_scan($1)`, [
      eventId,
    ]))!;
  }

  /** Event ids of the scans of a scene that waited for it to be known, first scanner first, locked. */
  async pendingScans(scene: string): Promise<string[]> {
    const rows = await this.db.rows<{ eventId: string }>(
      `SELECT event_id AS "eventId" FROM scans WHERE scene = $1 AND outcome = 'pending'
        ORDER BY scanned_at, event_id FOR UPDATE`,
      [scene],
    );
    return rows.map((r) => r.eventId);
  }

  /** Records a QR code of a session; the same scene again changes nothing. */
  async insertScene(scene: {
    scene: string;
    sessionId: string;
    ticket: string;
    url: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db.execute(
      `INSERT INTO session_scenes (scene, session_id, ticket, url, expires_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scene) DO NOTHING`,
      [scene.scene, scene.sessionId, scene.ticket, scene.url, scene.expiresAt],
    );
  }

  /** The session most recently bound to the user (for the gallery link), with its scene. */
  latestBinding(openid: string): Promise<BindingRow | null> {
    return this.db.row<BindingRow>(
      `SELECT session_id AS "sessionId", openid, scene, status FROM bindings
        WHERE openid = $1 ORDER BY claimed_at DESC, session_id DESC LIMIT 1`,
      [openid],
    );
  }
}
