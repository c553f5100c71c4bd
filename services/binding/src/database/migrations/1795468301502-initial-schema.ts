import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Every table that an event writes has the event's natural key as a primary or
 * unique key, so a redelivered event can never add a second row: consumers insert with
 * `ON CONFLICT DO NOTHING` and read back what is there.
 */
export class InitialSchema1795468301502 implements MigrationInterface {
  name = 'InitialSchema1795468301502';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mirrors (
        id varchar(64) PRIMARY KEY,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE sessions (
        id char(26) PRIMARY KEY,
        mirror_id varchar(64) NOT NULL REFERENCES mirrors(id),
        started_at timestamptz,
        ended_at timestamptz,
        end_reason varchar(32),
        photos_purged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_mirror_started_idx ON sessions (mirror_id, started_at)`);
    await q.query(`
      CREATE TABLE session_scenes (
        scene varchar(64) PRIMARY KEY,
        session_id char(26) NOT NULL REFERENCES sessions(id),
        ticket text NOT NULL,
        url text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX session_scenes_session_idx ON session_scenes (session_id)`);
    await q.query(`
      CREATE TABLE photos (
        id varchar(128) PRIMARY KEY,
        mirror_id varchar(64) REFERENCES mirrors(id),
        session_id char(26) REFERENCES sessions(id),
        session_source varchar(8) CHECK (session_source IN ('mirror', 'time')),
        taken_at timestamptz,
        sha256 char(64),
        width integer,
        height integer,
        bytes integer,
        content_type varchar(100),
        key_original text,
        key_display text,
        key_thumb text,
        status varchar(16) NOT NULL CHECK (status IN ('stored', 'deleting', 'deleted')),
        deleted_reason varchar(16) CHECK (deleted_reason IN ('customer', 'retention', 'photo-store')),
        stored_at timestamptz,
        delete_requested_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- a photo.deleted seen before its photo.stored leaves a tombstone without metadata
        CHECK (status <> 'stored' OR (mirror_id IS NOT NULL AND taken_at IS NOT NULL AND key_thumb IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX photos_session_idx ON photos (session_id, taken_at DESC)`);
    await q.query(`CREATE INDEX photos_mirror_taken_idx ON photos (mirror_id, taken_at)`);
    await q.query(
      `CREATE INDEX photos_pending_delete_idx ON photos (delete_requested_at) WHERE status = 'deleting'`,
    );
    await q.query(`
      CREATE TABLE photo_rejections (
        photo_id varchar(256) PRIMARY KEY,
        mirror_id varchar(256) NOT NULL,
        reason text NOT NULL,
        rejected_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE wechat_users (
        openid varchar(64) PRIMARY KEY,
        unionid varchar(64),
        subscribed boolean NOT NULL DEFAULT false,
        subscription_changed_at timestamptz,
        last_interaction_at timestamptz,
        burst_started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE scans (
        event_id varchar(200) PRIMARY KEY,
        openid varchar(64) NOT NULL REFERENCES wechat_users(openid),
        scene varchar(64) NOT NULL,
        session_id char(26) REFERENCES sessions(id),
        outcome varchar(16) NOT NULL CHECK (outcome IN ('pending', 'claimed', 'own', 'other', 'expired')),
        new_follower boolean NOT NULL,
        scanned_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX scans_pending_scene_idx ON scans (scene, scanned_at) WHERE outcome = 'pending'`,
    );
    await q.query(`CREATE INDEX scans_session_idx ON scans (session_id)`);
    await q.query(`
      CREATE TABLE bindings (
        session_id char(26) PRIMARY KEY REFERENCES sessions(id),
        openid varchar(64) NOT NULL REFERENCES wechat_users(openid),
        scene varchar(64) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('claimed', 'confirmed')),
        claim_event_id varchar(200) NOT NULL,
        claimed_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX bindings_openid_idx ON bindings (openid, status)`);
    await q.query(`
      CREATE TABLE push_records (
        event_id varchar(200) PRIMARY KEY,
        openid varchar(64) NOT NULL REFERENCES wechat_users(openid),
        kind varchar(8) NOT NULL CHECK (kind IN ('news', 'text')),
        status varchar(16) NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown', 'skipped')),
        reason text,
        errcode integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX push_records_openid_idx ON push_records (openid, created_at)`);
    await q.query(`
      CREATE TABLE product_scans (
        event_id varchar(200) PRIMARY KEY,
        openid varchar(64) NOT NULL REFERENCES wechat_users(openid),
        event varchar(64) NOT NULL,
        key_standard text NOT NULL,
        key_str text NOT NULL,
        ext_info text,
        scanned_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'product_scans',
      'push_records',
      'bindings',
      'scans',
      'wechat_users',
      'photo_rejections',
      'photos',
      'session_scenes',
      'sessions',
      'mirrors',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
