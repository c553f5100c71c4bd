import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fitting mirror, first seen through any of its events. */
@Entity('mirrors')
export class MirrorEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;
}
