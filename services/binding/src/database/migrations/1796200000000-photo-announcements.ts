import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Photos taken after the scan are announced to the claimer, one message per burst: per session, up to
 * which `stored_at` its photos were announced (or given up on), and the retry state of a message WeChat
 * certainly did not get. The messages themselves are push_records (one per burst, by event id).
 */
export class PhotoAnnouncements1796200000000 implements MigrationInterface {
  name = 'PhotoAnnouncements1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE photo_announcements (
        session_id char(26) PRIMARY KEY REFERENCES sessions(id),
        announced_until timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        retry_at timestamptz,
        last_outcome varchar(16),
        updated_at timestamptz NOT NULL
      )`);
    // the announcer looks at recent claims only (WeChat's 48-hour window), through bindings_claimed_at_idx,
    // which migration ChannelStatistics creates
    await q.query(
      `CREATE INDEX IF NOT EXISTS photos_session_stored_idx ON photos (session_id, stored_at) WHERE status = 'stored'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX photos_session_stored_idx`);
    await q.query(`DROP TABLE photo_announcements`);
  }
}
