import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `sending`: claimed, the call to WeChat is under way (or the process died during it: never retried);
 * `sent`; `failed`: WeChat refused (errcode); `unknown`: no answer, it may have arrived; `skipped`:
 * outside WeChat's window, so not attempted.
 */
export type PushStatus = 'sending' | 'sent' | 'failed' | 'unknown' | 'skipped';

/** The customer-service message sent (or not) for one scan or message event: at most one per event. */
@Entity('push_records')
export class PushRecordEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ type: 'varchar', length: 64 })
  openid!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'news' | 'text';

  @Column({ type: 'varchar', length: 16 })
  status!: PushStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'integer', nullable: true })
  errcode!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
