import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A photo photo-store refused (not an image, too large…), kept for the shop's statistics. */
@Entity('photo_rejections')
export class PhotoRejectionEntity {
  @PrimaryColumn({ name: 'photo_id', type: 'varchar', length: 256 })
  photoId!: string;

  @Column({ name: 'mirror_id', type: 'varchar', length: 256 })
  mirrorId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'rejected_at', type: 'timestamptz' })
  rejectedAt!: Date;
}
