import type { ScanOutcome } from '../database/entities/scan.entity';

/**
 * THE CLAIM RULE — who gets a session's photos. Stated here in words and as a function; executed by
 * Postgres (`binding_evaluate_scan`, called by `binding_record_scan`, migration ClaimFunctions) so that a
 * scan is recorded and decided in one round trip inside WeChat's reply budget. The integration test
 * test/claim-rule.int-spec.ts runs every case below through that function and checks it decides like
 * `decideScan`: change one, change both.
 *
 * 1. A scan whose scene is not known yet (its `qr.issued` has not arrived) is `pending`. When the scene
 *    arrives, its pending scans are decided in scan order (earliest `scannedAt` first), each by rules 2–4.
 * 2. A session that is already bound answers `own` to the openid that holds it and `other` to anyone
 *    else, even after the code expired (the holder may scan again for the link).
 * 3. Otherwise a scan made after the code's `expiresAt` is `expired` and claims nothing.
 * 4. Otherwise the scan `claimed` the session: the first scanner wins. The bindings table's primary key
 *    (one row per session) decides a race; the loser of a race is then judged by rule 2.
 * 5. A scan is decided once: the same event id again returns its first decision and changes nothing.
 *
 * Serialisation: every scan and the scene's `qr.issued` take the transaction-level advisory lock
 * `(LockClass.scene, hashtext(scene))` first, so a scan committed while its scene is being recorded is
 * never left pending.
 */
export interface SceneState {
  /** When the QR code stops being valid. */
  expiresAt: Date;
  /** The openid the session behind the scene is bound to, or null while nobody claimed it. */
  boundTo: string | null;
}

/** A scan as the rule sees it. */
export interface ScanFacts {
  openid: string;
  scannedAt: Date;
}

/** Rules 1–4 for one undecided scan; `scene` is null while the scene is unknown. */
export function decideScan(scan: ScanFacts, scene: SceneState | null): ScanOutcome {
  if (scene === null) return 'pending';
  if (scene.boundTo !== null) return scene.boundTo === scan.openid ? 'own' : 'other';
  if (scan.scannedAt.getTime() > scene.expiresAt.getTime()) return 'expired';
  return 'claimed';
}
