import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `pending`: the scene is not known yet (its `qr.issued` has not arrived); `claimed`: this scan claimed
 * the session; `own`: the session was already this openid's; `other`: someone else had claimed it;
 * `expired`: the QR code had expired; `welcome`: a mirror's permanent code scanned while no session with a
 * code was open on that mirror.
 */
export type ScanOutcome = 'pending' | 'claimed' | 'own' | 'other' | 'expired' | 'welcome';

/**
 * How the customer reached the scene: `session` (the session's own QR code), `permanent` (the mirror's
 * printed code, scene `m:<mirrorId>`), `product` (a product code whose ExtInfo named a scene).
 */
export type ScanKind = 'session' | 'permanent' | 'product';

/** One scan of a session QR code, a mirror's code or a scene-carrying product code, keyed by the gateway's event id. */
@Entity('scans')
export class ScanEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ type: 'varchar', length: 64 })
  scene!: string;

  @Column({ name: 'session_id', type: 'char', length: 26, nullable: true })
  sessionId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: ScanOutcome;

  @Column({ type: 'varchar', length: 16 })
  kind!: ScanKind;

  /** The mirror the scan is attributed to: the session's once decided, or the mirror of the code scanned. */
  @Column({ name: 'mirror_id', type: 'varchar', length: 64, nullable: true })
  mirrorId!: string | null;

  /** That mirror's store when the scan was attributed. */
  @Column({ name: 'store_id', type: 'varchar', length: 64, nullable: true })
  storeId!: string | null;

  @Column({ name: 'new_follower', type: 'boolean' })
  newFollower!: boolean;

  @Column({ name: 'scanned_at', type: 'timestamptz' })
  scannedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
