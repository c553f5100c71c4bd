import { Column, Entity, PrimaryColumn } from 'typeorm';

export type BindingStatus = 'claimed' | 'confirmed';

/** A session bound to a WeChat user: `claimed` by the first scan, `confirmed` by that user's OAuth. */
@Entity('bindings')
export class BindingEntity {
  @PrimaryColumn({ name: 'session_id', type: 'char', length: 26 })
  sessionId!: string;

  @Column({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ type: 'varchar', length: 64 })
  scene!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: BindingStatus;

  @Column({ name: 'claim_event_id', type: 'varchar', length: 200 })
  claimEventId!: string;

  @Column({ name: 'claimed_at', type: 'timestamptz' })
  claimedAt!: Date;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;
}
