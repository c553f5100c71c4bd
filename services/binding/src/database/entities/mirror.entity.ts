import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fitting mirror, first seen through any of its events or registered to a store (`npm run fleet`). */
@Entity('mirrors')
export class MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** The store it is registered to (`stores`); null until it is registered. */
  @Column({ name: 'store_id', type: 'varchar', length: 64, nullable: true })
  storeId!: string | null;

  /** The public key of the mirror's current bus credential; older ones are revoked. */
  @Column({ name: 'nats_user_key', type: 'varchar', length: 64, nullable: true })
  natsUserKey!: string | null;

  @Column({ name: 'registered_at', type: 'timestamptz', nullable: true })
  registeredAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
