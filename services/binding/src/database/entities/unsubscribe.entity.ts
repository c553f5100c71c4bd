import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One unfollow of the Official Account, keyed by the gateway's event id (wechat_users keeps only the latest state). */
@Entity('unsubscribes')
export class UnsubscribeEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ name: 'unsubscribed_at', type: 'timestamptz' })
  unsubscribedAt!: Date;
}
