import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `pending`: the scene is not known yet (its `qr.issued` has not arrived); `claimed`: this scan claimed
 * the session; `own`: the session was already this openid's; `other`: someone else had claimed it;
 * `expired`: the QR code had expired.
 */
export type ScanOutcome = 'pending' | 'claimed' | 'own' | 'other' | 'expired';

/** One scan of a session QR code, keyed by the gateway's event id. */
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

  @Column({ name: 'new_follower', type: 'boolean' })
  newFollower!: boolean;

  @Column({ name: 'scanned_at', type: 'timestamptz' })
  scannedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
