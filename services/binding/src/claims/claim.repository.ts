import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { LockClass, queryRow, queryRows } from '../shared/sql';

export interface ScanRow {
  eventId: string;
  openid: string;
  scene: string;
  sessionId: string | null;
  outcome: ScanOutcome;
  scannedAt: Date;
}

export interface SceneRow {
  scene: string;
  sessionId: string;
  mirrorId: string;
  expiresAt: Date;
}

export interface BindingRow {
  sessionId: string;
  openid: string;
  scene: string;
  status: 'claimed' | 'confirmed';
}

const SCAN_COLUMNS = `event_id AS "eventId", openid, scene, session_id AS "sessionId", outcome, scanned_at AS "scannedAt"`;

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

  /** Records the scan once per event id; a second delivery only fills in what the first did not know. */
  async insertScan(
    em: EntityManager,
    scan: { eventId: string; openid: string; scene: string; newFollower: boolean; at: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO scans AS s (event_id, openid, scene, outcome, new_follower, scanned_at)
       VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (event_id) DO UPDATE SET new_follower = s.new_follower OR EXCLUDED.new_follower
       WHERE NOT s.new_follower AND EXCLUDED.new_follower`,
      [scan.eventId, scan.openid, scan.scene, scan.newFollower, scan.at],
    );
  }

  lockScan(em: EntityManager, eventId: string): Promise<ScanRow | null> {
    return queryRow<ScanRow>(em, `SELECT ${SCAN_COLUMNS} FROM scans WHERE event_id = $1 FOR UPDATE`, [
      eventId,
    ]);
  }

  /** Scans of a scene that waited for it to be known, first scanner first. */
  pendingScans(em: EntityManager, scene: string): Promise<ScanRow[]> {
    return queryRows<ScanRow>(
      em,
      `SELECT ${SCAN_COLUMNS} FROM scans WHERE scene = $1 AND outcome = 'pending'
        ORDER BY scanned_at, event_id FOR UPDATE`,
      [scene],
    );
  }

  async setScanOutcome(
    em: EntityManager,
    eventId: string,
    outcome: ScanOutcome,
    sessionId: string,
  ): Promise<void> {
    await em.query(`UPDATE scans SET outcome = $2, session_id = $3 WHERE event_id = $1`, [
      eventId,
      outcome,
      sessionId,
    ]);
  }

  findScene(em: EntityManager, scene: string): Promise<SceneRow | null> {
    return queryRow<SceneRow>(
      em,
      `SELECT q.scene, q.session_id AS "sessionId", s.mirror_id AS "mirrorId", q.expires_at AS "expiresAt"
         FROM session_scenes q JOIN sessions s ON s.id = q.session_id WHERE q.scene = $1`,
      [scene],
    );
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

  findBinding(em: EntityManager, sessionId: string): Promise<BindingRow | null> {
    return queryRow<BindingRow>(
      em,
      `SELECT session_id AS "sessionId", openid, scene, status FROM bindings WHERE session_id = $1`,
      [sessionId],
    );
  }

  /** The first claim of a session wins (primary key); true when this call made it. */
  async insertClaim(
    em: EntityManager,
    claim: { sessionId: string; openid: string; scene: string; eventId: string; at: Date },
  ): Promise<boolean> {
    const rows = await queryRows(
      em,
      `INSERT INTO bindings (session_id, openid, scene, status, claim_event_id, claimed_at)
       VALUES ($1, $2, $3, 'claimed', $4, $5) ON CONFLICT (session_id) DO NOTHING RETURNING session_id`,
      [claim.sessionId, claim.openid, claim.scene, claim.eventId, claim.at],
    );
    return rows.length > 0;
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
