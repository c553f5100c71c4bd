import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The QR code issued for a session: its unguessable scene, WeChat's ticket and when it expires. */
@Entity('session_scenes')
export class SessionSceneEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  scene!: string;

  @Column({ name: 'session_id', type: 'char', length: 26 })
  sessionId!: string;

  @Column({ type: 'text' })
  ticket!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
