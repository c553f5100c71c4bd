import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel statistics over what migration MirrorCodes records: scans by kind and attributed mirror (a mirror's
 * code scanned with no session open has a mirror but no session), product scans (counted from
 * `product_scans`, attributed to a mirror, else to a store only, else to the chain only) and every unfollow
 * (`unsubscribes`, instead of the latest state in `wechat_users`).
 *
 * A row of `stats_mirror_days` is keyed by its source: a mirror id, or, for what reached a store but no mirror
 * (a product code whose ExtInfo named only a store), `@<storeId>`, and `@` for what reached neither. Mirror ids
 * are `[a-z0-9-]`, so the two cannot collide. `stats_source` names it. Store and chain questions read the
 * duration histograms summed per store and day (`stats_store_day_durations`), kept with the mirrors' ones.
 */
export class StatisticsBySource1796400000001 implements MigrationInterface {
  name = 'StatisticsBySource1796400000001';

  async up(q: QueryRunner): Promise<void> {
    // a store-only source is '@' and a store id: one character longer than an id
    await q.query(`
      ALTER TABLE stats_dirty ALTER COLUMN mirror_id TYPE varchar(65);
      ALTER TABLE stats_mirror_days ALTER COLUMN mirror_id TYPE varchar(65)`);
    await q.query(`
      CREATE FUNCTION stats_source(p_mirror varchar, p_store varchar) RETURNS varchar LANGUAGE sql IMMUTABLE
        AS $$ SELECT COALESCE(p_mirror, '@' || COALESCE(p_store, '')) $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION stats_scans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(NEW.mirror_id, NEW.scanned_at);
        PERFORM stats_mark_session(NEW.session_id, NEW.scanned_at);
        IF TG_OP = 'UPDATE' THEN
          PERFORM stats_mark(OLD.mirror_id, OLD.scanned_at);
          PERFORM stats_mark_session(OLD.session_id, OLD.scanned_at);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION stats_product_scans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(stats_source(NEW.mirror_id, NEW.store_id), NEW.scanned_at);
        IF TG_OP = 'UPDATE' THEN PERFORM stats_mark(stats_source(OLD.mirror_id, OLD.store_id), OLD.scanned_at); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_product_scans_changed AFTER INSERT OR UPDATE ON product_scans
        FOR EACH ROW EXECUTE FUNCTION stats_product_scans_changed()`);
    // an unfollow changes "unsubscribed within 7 days" of the follows of the 7 days before it
    await q.query(`
      CREATE FUNCTION stats_unsubscribed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(x.mirror_id, x.scanned_at) FROM scans x
          WHERE x.openid = NEW.openid AND x.new_follower
            AND x.scanned_at >= NEW.unsubscribed_at - interval '8 days' AND x.scanned_at <= NEW.unsubscribed_at;
        PERFORM stats_mark(stats_source(p.mirror_id, p.store_id), p.scanned_at) FROM product_scans p
          WHERE p.openid = NEW.openid AND p.new_follower AND p.scene IS NULL
            AND p.scanned_at >= NEW.unsubscribed_at - interval '8 days' AND p.scanned_at <= NEW.unsubscribed_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER stats_unsubscribed AFTER INSERT ON unsubscribes
        FOR EACH ROW EXECUTE FUNCTION stats_unsubscribed()`);
    await q.query(`DROP TRIGGER stats_wechat_users_follow ON wechat_users`);
    await q.query(`DROP FUNCTION stats_follow_changed()`);
    await q.query(`
      CREATE INDEX product_scans_follow_idx ON product_scans (openid, scanned_at) WHERE new_follower;
      CREATE INDEX product_scans_scanned_at_idx ON product_scans (scanned_at)`);
    // the duration histograms summed per store and day ('' for mirrors of no store): what store and chain
    // questions read, a tenth of the rows of the per-mirror ones
    await q.query(`
      CREATE TABLE stats_store_day_durations (
        day date NOT NULL,
        store_id varchar(64) NOT NULL,
        metric varchar(16) NOT NULL,
        bucket integer NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (day, store_id, metric, bucket)
      )`);
    await q.query(
      `CREATE INDEX stats_store_day_durations_store_idx ON stats_store_day_durations (store_id, day)`,
    );
    // a mirror registered after its first days: those days are recomputed under its store
    await q.query(`
      CREATE OR REPLACE FUNCTION stats_mirror_registered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_dirty (mirror_id, day) SELECT NEW.id, day FROM stats_mirror_days WHERE mirror_id = NEW.id;
        RETURN NULL;
      END $$`);
    // everything already recorded, recomputed by the new rules
    await q.query(`
      INSERT INTO stats_dirty (mirror_id, day)
      SELECT DISTINCT mirror_id, day FROM stats_mirror_days
      UNION SELECT DISTINCT mirror_id, stats_day(scanned_at) FROM scans WHERE mirror_id IS NOT NULL
      UNION SELECT DISTINCT stats_source(mirror_id, store_id), stats_day(scanned_at) FROM product_scans`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION stats_mirror_registered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE stats_mirror_days SET store_id = NEW.store_id WHERE mirror_id = NEW.id AND store_id IS NULL;
        UPDATE stats_mirror_day_durations SET store_id = NEW.store_id WHERE mirror_id = NEW.id AND store_id IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TABLE stats_store_day_durations`);
    await q.query(`DROP INDEX product_scans_follow_idx, product_scans_scanned_at_idx`);
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
    await q.query(`DROP TRIGGER stats_unsubscribed ON unsubscribes`);
    await q.query(`DROP FUNCTION stats_unsubscribed()`);
    await q.query(`DROP TRIGGER stats_product_scans_changed ON product_scans`);
    await q.query(`DROP FUNCTION stats_product_scans_changed()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION stats_scans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark_session(NEW.session_id, NEW.scanned_at);
        IF TG_OP = 'UPDATE' AND OLD.session_id IS DISTINCT FROM NEW.session_id THEN
          PERFORM stats_mark_session(OLD.session_id, OLD.scanned_at);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`DELETE FROM stats_mirror_days WHERE mirror_id LIKE '@%'`);
    await q.query(`DELETE FROM stats_dirty WHERE mirror_id LIKE '@%'`);
    await q.query(`DROP FUNCTION stats_source(varchar, varchar)`);
  }
}
