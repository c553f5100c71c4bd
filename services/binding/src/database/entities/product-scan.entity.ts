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

  @Column({ name: 'scanned_at', type: 'timestamptz' })
  scannedAt!: Date;
}
