import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A WeChat user of the Official Account, and the windows in which it may be messaged. */
@Entity('wechat_users')
export class WeChatUserEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  @Column({ type: 'boolean' })
  subscribed!: boolean;

  /** Time of the event that last set `subscribed`: an older event arriving late changes nothing. */
  @Column({ name: 'subscription_changed_at', type: 'timestamptz', nullable: true })
  subscriptionChangedAt!: Date | null;

  /** Last scan, follow or message: opens WeChat's 48-hour customer-service window. */
  @Column({ name: 'last_interaction_at', type: 'timestamptz', nullable: true })
  lastInteractionAt!: Date | null;

  /** Last scan or follow: WeChat allows only a few messages in the minute after it. */
  @Column({ name: 'burst_started_at', type: 'timestamptz', nullable: true })
  burstStartedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
