import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A product code (barcode) a customer scanned with WeChat, for the shop's statistics. */
@Entity('product_scans')
export class ProductScanEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  @Column({ name: 'key_standard', type: 'text' })
  keyStandard!: string;

  @Column({ name: 'key_str', type: 'text' })
  keyStr!: string;

  @Column({ name: 'ext_info', type: 'text', nullable: true })
  extInfo!: string | null;

  /** The scene (`m:<mirrorId>` or a session's) ExtInfo carried, if any. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  scene!: string | null;

  /** The mirror the scan is attributed to, when determinable. */
  @Column({ name: 'mirror_id', type: 'varchar', length: 64, nullable: true })
  mirrorId!: string | null;

  /** The store the scan is attributed to: the mirror's, or the store ExtInfo named. */
  @Column({ name: 'store_id', type: 'varchar', length: 64, nullable: true })
  storeId!: string | null;

  /** The scan made the customer follow (a `subscribe` event). */
  @Column({ name: 'new_follower', type: 'boolean' })
  newFollower!: boolean;

  @Column({ name: 'scanned_at', type: 'timestamptz' })
  scannedAt!: Date;
}
