import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PhotoStatus = 'stored' | 'deleting' | 'deleted';
export type PhotoDeletedReason = 'customer' | 'retention' | 'photo-store';
/** `mirror`: the mirror named the session; `time`: matched by the mirror's open session at `takenAt`. */
export type PhotoSessionSource = 'mirror' | 'time';

/**
 * A photo photo-store stored. The object keys are kept for the record; URLs always come from
 * photo-store. A `photo.deleted` seen first leaves a `deleted` tombstone without metadata.
 */
@Entity('photos')
export class PhotoEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ name: 'mirror_id', type: 'varchar', length: 64, nullable: true })
  mirrorId!: string | null;

  @Column({ name: 'session_id', type: 'char', length: 26, nullable: true })
  sessionId!: string | null;

  @Column({ name: 'session_source', type: 'varchar', length: 8, nullable: true })
  sessionSource!: PhotoSessionSource | null;

  @Column({ name: 'taken_at', type: 'timestamptz', nullable: true })
  takenAt!: Date | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ type: 'integer', nullable: true })
  bytes!: number | null;

  @Column({ name: 'content_type', type: 'varchar', length: 100, nullable: true })
  contentType!: string | null;

  @Column({ name: 'key_original', type: 'text', nullable: true })
  keyOriginal!: string | null;

  @Column({ name: 'key_display', type: 'text', nullable: true })
  keyDisplay!: string | null;

  @Column({ name: 'key_thumb', type: 'text', nullable: true })
  keyThumb!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: PhotoStatus;

  @Column({ name: 'deleted_reason', type: 'varchar', length: 16, nullable: true })
  deletedReason!: PhotoDeletedReason | null;

  @Column({ name: 'stored_at', type: 'timestamptz', nullable: true })
  storedAt!: Date | null;

  @Column({ name: 'delete_requested_at', type: 'timestamptz', nullable: true })
  deleteRequestedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** A favourite look (victory at the mirror, or the photo page). */
  @Column({ type: 'boolean', default: false })
  favourite!: boolean;

  @Column({ name: 'favourited_at', type: 'timestamptz', nullable: true })
  favouritedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
