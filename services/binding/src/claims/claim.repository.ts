import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { LockClass, queryRow, queryRows } from '../shared/sql';

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

/** Postgres I/O for scans, scenes and claims. */
@Injectable()
export class ClaimRepository {
  /**
   * Serialises everything about one scene until the transaction ends, so a scan committed while its
   * `qr.issued` is being recorded is never left unjoined (each sees the other's committed rows).
   */
  async lockScene(em: EntityManager, scene: string): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LockClass.scene, scene]);
  }

  /**
   * Records a scan once per event id (touching its user) and decides it, in one round trip
   * (`binding_record_scan`, migration ClaimFunctions): the scene's lock, then the claim rule.
   */
  async recordScan(
    em: EntityManager,
    scan: { eventId: string; openid: string; scene: string; newFollower: boolean; at: Date },
  ): Promise<Decision> {
    return (await queryRow<Decision>(
      em,
      `SELECT ${DECISION_COLUMNS} FROM binding_record_scan($1, $2, $3, $4, $5)`,
      [scan.eventId, scan.openid, scan.scene, scan.newFollower, scan.at],
    ))!;
  }

  /** Decides a recorded scan (`binding_evaluate_scan`); the caller holds the scene's lock. */
  async evaluateScan(em: EntityManager, eventId: string): Promise<Decision> {
    return (await queryRow<Decision>(em, `SELECT ${DECISION_COLUMNS} FROM binding_evaluate_scan($1)`, [
      eventId,
    ]))!;
  }

  /** Event ids of the scans of a scene that waited for it to be known, first scanner first, locked. */
  async pendingScans(em: EntityManager, scene: string): Promise<string[]> {
    const rows = await queryRows<{ eventId: string }>(
      em,
      `SELECT event_id AS "eventId" FROM scans WHERE scene = $1 AND outcome = 'pending'
        ORDER BY scanned_at, event_id FOR UPDATE`,
      [scene],
    );
    return rows.map((r) => r.eventId);
  }

  /** Records a QR code of a session; the same scene again changes nothing. */
  async insertScene(
    em: EntityManager,
    scene: { scene: string; sessionId: string; ticket: string; url: string; expiresAt: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO session_scenes (scene, session_id, ticket, url, expires_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scene) DO NOTHING`,
      [scene.scene, scene.sessionId, scene.ticket, scene.url, scene.expiresAt],
    );
  }

  /** The session most recently bound to the user (for the gallery link), with its scene. */
  latestBinding(em: EntityManager, openid: string): Promise<BindingRow | null> {
    return queryRow<BindingRow>(
      em,
      `SELECT session_id AS "sessionId", openid, scene, status FROM bindings
        WHERE openid = $1 ORDER BY claimed_at DESC, session_id DESC LIMIT 1`,
      [openid],
    );
  }
}
