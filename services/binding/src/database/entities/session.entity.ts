import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A visit in front of a mirror. The row may exist before `session.started` arrived (a photo or the QR
 * came first): `startedAt` is then null until it does. Kept for statistics after its photos are gone.
 */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'char', length: 26 })
  id!: string;

  @Column({ name: 'mirror_id', type: 'varchar', length: 64 })
  mirrorId!: string;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 32, nullable: true })
  endReason!: string | null;

  @Column({ name: 'photos_purged_at', type: 'timestamptz', nullable: true })
  photosPurgedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
