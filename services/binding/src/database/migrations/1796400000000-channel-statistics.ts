import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel statistics, materialised per mirror and Asia/Shanghai day.
 *
 * The source tables are keyed by their events' natural keys (a replay or redelivery cannot add a row),
 * so the statistics are never incremented: a row of `stats_mirror_days` (counters) and its rows of
 * `stats_mirror_day_durations` (histograms of session lengths and QR-shown → scan times) are recomputed
 * from the source rows whenever one of them changes. Triggers on the source tables mark the (mirror, day)
 * pairs a change touches in `stats_dirty`; binding's stats refresher recomputes and clears them
 * (src/stats/stats.repository.ts). `stats_dirty` is a log (a plain insert per change, no upsert): a mark
 * becomes visible with the change that made it, never before, and takes no lock on the writer's path, so a
 * refresher that clears the marks it sees has seen the changes behind them. Counts only: no openid, no photo.
 *
 * Days are Asia/Shanghai days (UTC+8, no daylight saving): `stats_day`.
 */
export class ChannelStatistics1796400000000 implements MigrationInterface {
  name = 'ChannelStatistics1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION stats_day(p_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE
        AS $$ SELECT (p_at AT TIME ZONE 'Asia/Shanghai')::date $$`);
    // durations in whole seconds, kept in buckets: 1 s wide below a minute, 10 s below 10 minutes,
    // 1 min below an hour, 10 min beyond (capped at a day); a bucket is named by its lower bound
    await q.query(`
      CREATE FUNCTION stats_bucket(p_seconds integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN p_seconds IS NULL OR p_seconds < 0 THEN NULL
          WHEN p_seconds < 60 THEN p_seconds
          WHEN p_seconds < 600 THEN p_seconds - p_seconds % 10
          WHEN p_seconds < 3600 THEN p_seconds - p_seconds % 60
          ELSE LEAST(p_seconds - p_seconds % 600, 86400) END
      $$`);
    await q.query(`
      CREATE TABLE stats_dirty (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        mirror_id varchar(64) NOT NULL,
        day date NOT NULL
      )`);
    await q.query(`CREATE INDEX stats_dirty_day_idx ON stats_dirty (day)`);
    await q.query(`
      CREATE TABLE stats_mirror_days (
        day date NOT NULL,
        mirror_id varchar(64) NOT NULL,
        store_id varchar(64),
        sessions_started integer NOT NULL,
        sessions_with_qr integer NOT NULL,
        sessions_ended integer NOT NULL,
        scans_session integer NOT NULL,
        scans_permanent integer NOT NULL,
        scans_product integer NOT NULL,
        new_followers integer NOT NULL,
        unsubscribed_within_7d integer NOT NULL,
        claims integer NOT NULL,
        confirmations integer NOT NULL,
        photos_taken integer NOT NULL,
        photos_deleted_by_customers integer NOT NULL,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (day, mirror_id)
      )`);
    await q.query(`
      CREATE INDEX stats_mirror_days_store_idx ON stats_mirror_days (store_id, day);
      CREATE INDEX stats_mirror_days_mirror_idx ON stats_mirror_days (mirror_id, day)`);
    await q.query(`
      CREATE TABLE stats_mirror_day_durations (
        day date NOT NULL,
        mirror_id varchar(64) NOT NULL,
        store_id varchar(64),
        metric varchar(16) NOT NULL CHECK (metric IN ('session', 'qr_to_scan')),
        bucket integer NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (day, mirror_id, metric, bucket)
      )`);
    // the durations by scope, and what the recomputation reads by time (bindings_claimed_at_idx is also
    // migration PhotoAnnouncements', which may have made it first: left in place on the way down)
    await q.query(`
      CREATE INDEX stats_mirror_day_durations_store_idx ON stats_mirror_day_durations (store_id, day);
      CREATE INDEX stats_mirror_day_durations_mirror_idx ON stats_mirror_day_durations (mirror_id, day);
      CREATE INDEX scans_scanned_at_idx ON scans (scanned_at);
      CREATE INDEX scans_openid_idx ON scans (openid, scanned_at) WHERE new_follower;
      CREATE INDEX IF NOT EXISTS bindings_claimed_at_idx ON bindings (claimed_at);
      CREATE INDEX bindings_confirmed_at_idx ON bindings (confirmed_at) WHERE confirmed_at IS NOT NULL;
      CREATE INDEX photos_customer_deleted_idx ON photos (mirror_id, delete_requested_at)
        WHERE deleted_reason = 'customer'`);

    await q.query(`
      CREATE FUNCTION stats_mark(p_mirror varchar, p_at timestamptz) RETURNS void LANGUAGE sql AS $$
        INSERT INTO stats_dirty (mirror_id, day)
        SELECT p_mirror, stats_day(p_at) WHERE p_mirror IS NOT NULL AND p_at IS NOT NULL
      $$`);
    // a session's own day (start), and the day of whatever points at it
    await q.query(`
      CREATE FUNCTION stats_mark_session(p_session char(26), p_at timestamptz) RETURNS void LANGUAGE sql AS $$
        SELECT stats_mark(s.mirror_id, p_at), stats_mark(s.mirror_id, s.started_at)
          FROM sessions s WHERE s.id = p_session
      $$`);

    await q.query(`
      CREATE FUNCTION stats_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(NEW.mirror_id, NEW.started_at);
        IF TG_OP = 'UPDATE' THEN PERFORM stats_mark(OLD.mirror_id, OLD.started_at); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_sessions_inserted AFTER INSERT ON sessions
        FOR EACH ROW EXECUTE FUNCTION stats_sessions_changed()`);
    await q.query(`
      CREATE TRIGGER stats_sessions_updated AFTER UPDATE ON sessions FOR EACH ROW
        WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.ended_at IS DISTINCT FROM NEW.ended_at
              OR OLD.mirror_id IS DISTINCT FROM NEW.mirror_id)
        EXECUTE FUNCTION stats_sessions_changed()`);

    await q.query(`
      CREATE FUNCTION stats_scene_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark_session(NEW.session_id, NULL);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_session_scenes_changed AFTER INSERT OR UPDATE ON session_scenes
        FOR EACH ROW EXECUTE FUNCTION stats_scene_changed()`);

    await q.query(`
      CREATE FUNCTION stats_scans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark_session(NEW.session_id, NEW.scanned_at);
        IF TG_OP = 'UPDATE' AND OLD.session_id IS DISTINCT FROM NEW.session_id THEN
          PERFORM stats_mark_session(OLD.session_id, OLD.scanned_at);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_scans_changed AFTER INSERT OR UPDATE ON scans
        FOR EACH ROW EXECUTE FUNCTION stats_scans_changed()`);

    await q.query(`
      CREATE FUNCTION stats_bindings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark_session(NEW.session_id, NEW.claimed_at);
        PERFORM stats_mark_session(NEW.session_id, NEW.confirmed_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_bindings_changed AFTER INSERT OR UPDATE ON bindings
        FOR EACH ROW EXECUTE FUNCTION stats_bindings_changed()`);

    await q.query(`
      CREATE FUNCTION stats_photos_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(NEW.mirror_id, NEW.taken_at);
        IF NEW.deleted_reason = 'customer' THEN PERFORM stats_mark(NEW.mirror_id, NEW.delete_requested_at); END IF;
        IF TG_OP = 'UPDATE' THEN
          PERFORM stats_mark(OLD.mirror_id, OLD.taken_at);
          IF OLD.deleted_reason = 'customer' THEN PERFORM stats_mark(OLD.mirror_id, OLD.delete_requested_at); END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_photos_inserted AFTER INSERT ON photos
        FOR EACH ROW EXECUTE FUNCTION stats_photos_changed()`);
    await q.query(`
      CREATE TRIGGER stats_photos_updated AFTER UPDATE ON photos FOR EACH ROW
        WHEN (OLD.mirror_id IS DISTINCT FROM NEW.mirror_id OR OLD.taken_at IS DISTINCT FROM NEW.taken_at
              OR OLD.deleted_reason IS DISTINCT FROM NEW.deleted_reason
              OR OLD.delete_requested_at IS DISTINCT FROM NEW.delete_requested_at)
        EXECUTE FUNCTION stats_photos_changed()`);

    // following or unfollowing changes "unsubscribed within 7 days" of the follows of the 7 days before
    await q.query(`
      CREATE FUNCTION stats_follow_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark_session(x.session_id, x.scanned_at)
           FROM scans x
          WHERE x.openid = NEW.openid AND x.new_follower
            AND x.scanned_at >= COALESCE(NEW.subscription_changed_at, now()) - interval '8 days';
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_wechat_users_follow AFTER UPDATE ON wechat_users FOR EACH ROW
        WHEN (OLD.subscribed IS DISTINCT FROM NEW.subscribed)
        EXECUTE FUNCTION stats_follow_changed()`);

    // a mirror first seen unregistered keeps its earlier days once it is registered to a store
    await q.query(`
      CREATE FUNCTION stats_mirror_registered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE stats_mirror_days SET store_id = NEW.store_id WHERE mirror_id = NEW.id AND store_id IS NULL;
        UPDATE stats_mirror_day_durations SET store_id = NEW.store_id WHERE mirror_id = NEW.id AND store_id IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_mirrors_registered AFTER UPDATE ON mirrors FOR EACH ROW
        WHEN (OLD.store_id IS NULL AND NEW.store_id IS NOT NULL)
        EXECUTE FUNCTION stats_mirror_registered()`);

    // everything recorded before this migration
    await q.query(`
      INSERT INTO stats_dirty (mirror_id, day)
      SELECT mirror_id, stats_day(started_at) FROM sessions WHERE started_at IS NOT NULL
      UNION SELECT mirror_id, stats_day(taken_at) FROM photos WHERE mirror_id IS NOT NULL AND taken_at IS NOT NULL
      UNION SELECT s.mirror_id, stats_day(x.scanned_at) FROM scans x JOIN sessions s ON s.id = x.session_id
      UNION SELECT s.mirror_id, stats_day(b.claimed_at) FROM bindings b JOIN sessions s ON s.id = b.session_id
      UNION SELECT s.mirror_id, stats_day(b.confirmed_at) FROM bindings b JOIN sessions s ON s.id = b.session_id
        WHERE b.confirmed_at IS NOT NULL
      UNION SELECT mirror_id, stats_day(delete_requested_at) FROM photos
        WHERE deleted_reason = 'customer' AND mirror_id IS NOT NULL AND delete_requested_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [trigger, table] of [
      ['stats_mirrors_registered', 'mirrors'],
      ['stats_wechat_users_follow', 'wechat_users'],
      ['stats_photos_updated', 'photos'],
      ['stats_photos_inserted', 'photos'],
      ['stats_bindings_changed', 'bindings'],
      ['stats_scans_changed', 'scans'],
      ['stats_session_scenes_changed', 'session_scenes'],
      ['stats_sessions_updated', 'sessions'],
      ['stats_sessions_inserted', 'sessions'],
    ]) {
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    }
    for (const fn of [
      'stats_mirror_registered()',
      'stats_follow_changed()',
      'stats_photos_changed()',
      'stats_bindings_changed()',
      'stats_scans_changed()',
      'stats_scene_changed()',
      'stats_sessions_changed()',
      'stats_mark_session(char, timestamptz)',
      'stats_mark(varchar, timestamptz)',
    ]) {
      await q.query(`DROP FUNCTION ${fn}`);
    }
    for (const index of [
      'photos_customer_deleted_idx',
      'bindings_confirmed_at_idx',
      'scans_openid_idx',
      'scans_scanned_at_idx',
    ]) {
      await q.query(`DROP INDEX ${index}`);
    }
    await q.query(`DROP TABLE stats_mirror_day_durations, stats_mirror_days, stats_dirty`);
    await q.query(`DROP FUNCTION stats_bucket(integer)`);
    await q.query(`DROP FUNCTION stats_day(timestamptz)`);
  }
}
