import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A shop; mirrors are registered to one (`npm run fleet -- mirror add <id> --store <storeId>`). */
@Entity('stores')
export class StoreEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** A display name, when someone gave one (`--store-name`). */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
