import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Permanent mirror codes, product scans that carry a scene, and what channel statistics count them by.
 *
 * - `scans.kind`: how the customer reached the session's scene — `session` (the session's own QR), `permanent`
 *   (the mirror's printed code, scene `m:<mirrorId>`), `product` (a product code whose ExtInfo named a scene).
 * - `scans.mirror_id`, `scans.store_id`: the mirror and store a scan is attributed to; filled by the trigger
 *   `scans_attribution` from the session once the scan is decided, or from the mirror code itself.
 * - outcome `welcome`: a mirror's code scanned while no session with a code was open on that mirror.
 * - `product_scans.scene`, `mirror_id`, `store_id`, `new_follower`: the scene ExtInfo carried, the mirror and
 *   store the scan is attributed to (when determinable), and whether it was a follow.
 * - `unsubscribes`: every unfollow with its time, one row per event (wechat_users keeps only the latest state).
 * - `binding_record_scene_scan`: `binding_record_scan` for every kind of scan; a mirror code resolves to
 *   the scene of the session open on that mirror (latest first) and is decided by the same claim rule.
 *
 * Lock keys are written out because a migration must not change when code does: 1650720771 is
 * `LockClass.scene`, 1650720816 is `LockClass.mirrorCode` (src/database/lock-class.ts).
 */
export class MirrorCodes1796300000000 implements MigrationInterface {
  name = 'MirrorCodes1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE scans
        ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'session'
          CONSTRAINT scans_kind_check CHECK (kind IN ('session', 'permanent', 'product')),
        ADD COLUMN mirror_id varchar(64),
        ADD COLUMN store_id varchar(64)`);
    await q.query(`ALTER TABLE scans DROP CONSTRAINT scans_outcome_check`);
    await q.query(`
      ALTER TABLE scans ADD CONSTRAINT scans_outcome_check
        CHECK (outcome IN ('pending', 'claimed', 'own', 'other', 'expired', 'welcome'))`);
    await q.query(`
      UPDATE scans x SET mirror_id = s.mirror_id, store_id = m.store_id
        FROM sessions s JOIN mirrors m ON m.id = s.mirror_id WHERE s.id = x.session_id`);
    await q.query(`CREATE INDEX scans_mirror_idx ON scans (mirror_id, scanned_at)`);
    await q.query(`CREATE INDEX scans_store_idx ON scans (store_id, scanned_at)`);

    await q.query(`
      ALTER TABLE product_scans
        ADD COLUMN scene varchar(64),
        ADD COLUMN mirror_id varchar(64),
        ADD COLUMN store_id varchar(64),
        ADD COLUMN new_follower boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE product_scans SET new_follower = true WHERE event = 'subscribe'`);
    await q.query(`CREATE INDEX product_scans_mirror_idx ON product_scans (mirror_id, scanned_at)`);
    await q.query(`CREATE INDEX product_scans_store_idx ON product_scans (store_id, scanned_at)`);

    await q.query(`
      CREATE TABLE unsubscribes (
        event_id varchar(200) PRIMARY KEY,
        openid varchar(64) NOT NULL REFERENCES wechat_users(openid),
        unsubscribed_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX unsubscribes_openid_idx ON unsubscribes (openid, unsubscribed_at)`);
    // the latest unfollow of everyone not following now (earlier ones were never kept)
    await q.query(`
      INSERT INTO unsubscribes (event_id, openid, unsubscribed_at)
      SELECT 'before-mirror-codes:' || openid, openid, subscription_changed_at FROM wechat_users
       WHERE NOT subscribed AND subscription_changed_at IS NOT NULL`);

    // a scan is attributed to its session's mirror once decided, and to that mirror's store at that time
    await q.query(`
      CREATE FUNCTION binding_scan_attribution() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.mirror_id IS NULL AND NEW.session_id IS NOT NULL THEN
          SELECT s.mirror_id INTO NEW.mirror_id FROM sessions s WHERE s.id = NEW.session_id;
        END IF;
        IF NEW.store_id IS NULL AND NEW.mirror_id IS NOT NULL THEN
          SELECT m.store_id INTO NEW.store_id FROM mirrors m WHERE m.id = NEW.mirror_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER scans_attribution BEFORE INSERT OR UPDATE OF session_id, mirror_id ON scans
        FOR EACH ROW EXECUTE FUNCTION binding_scan_attribution()`);
    // a product scan whose scene was decided later gets the mirror its scan was attributed to
    await q.query(`
      CREATE FUNCTION binding_product_scan_attribution() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE product_scans p SET mirror_id = NEW.mirror_id, store_id = NEW.store_id
         WHERE p.event_id = NEW.event_id AND p.mirror_id IS NULL;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER scans_product_attribution AFTER INSERT OR UPDATE ON scans FOR EACH ROW
        WHEN (NEW.kind = 'product' AND NEW.mirror_id IS NOT NULL)
        EXECUTE FUNCTION binding_product_scan_attribution()`);
    await q.query(`
      CREATE FUNCTION binding_product_scan_store() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.store_id IS NULL AND NEW.mirror_id IS NOT NULL THEN
          SELECT m.store_id INTO NEW.store_id FROM mirrors m WHERE m.id = NEW.mirror_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER product_scans_store BEFORE INSERT OR UPDATE OF mirror_id ON product_scans
        FOR EACH ROW EXECUTE FUNCTION binding_product_scan_store()`);

    await q.query(`
      CREATE FUNCTION binding_record_scene_scan(
        p_event_id varchar, p_openid varchar, p_scene varchar, p_via_product boolean,
        p_new_follower boolean, p_at timestamptz
      ) RETURNS TABLE (outcome varchar, session_id char(26), mirror_id varchar, claimed boolean, evaluated boolean)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_mirror varchar;
        v_scene varchar := p_scene;
        v_kind varchar := CASE WHEN p_via_product THEN 'product' ELSE 'session' END;
      BEGIN
        IF p_scene ~ '^m:[a-z0-9-]{1,62}$' THEN
          v_mirror := substr(p_scene, 3);
          v_kind := CASE WHEN p_via_product THEN 'product' ELSE 'permanent' END;
          -- the scans of one mirror's code in turn: a second delivery of an event finds the first's decision
          PERFORM pg_advisory_xact_lock(1650720816, hashtext(v_mirror));
          IF EXISTS (SELECT 1 FROM scans s WHERE s.event_id = p_event_id) THEN
            PERFORM binding_touch_user(p_openid, NULL, true, p_at, true, true);
            UPDATE scans s SET new_follower = true
             WHERE s.event_id = p_event_id AND p_new_follower AND NOT s.new_follower;
            RETURN QUERY SELECT * FROM binding_evaluate_scan(p_event_id);
            RETURN;
          END IF;
          -- the code of the session open on the mirror when it was scanned, the latest session first
          SELECT q.scene INTO v_scene
            FROM sessions s JOIN session_scenes q ON q.session_id = s.id
           WHERE s.mirror_id = v_mirror AND (s.ended_at IS NULL OR s.ended_at > p_at)
           ORDER BY COALESCE(s.started_at, q.created_at) DESC, q.created_at DESC, q.scene
           LIMIT 1;
          IF NOT FOUND THEN
            PERFORM binding_touch_user(p_openid, NULL, true, p_at, true, true);
            INSERT INTO scans (event_id, openid, scene, outcome, new_follower, scanned_at, kind, mirror_id)
            VALUES (p_event_id, p_openid, p_scene, 'welcome', p_new_follower, p_at, v_kind, v_mirror);
            RETURN QUERY SELECT 'welcome'::varchar, NULL::char(26), v_mirror, false, true;
            RETURN;
          END IF;
        END IF;
        PERFORM pg_advisory_xact_lock(1650720771, hashtext(v_scene));
        PERFORM binding_touch_user(p_openid, NULL, true, p_at, true, true);
        INSERT INTO scans AS s (event_id, openid, scene, outcome, new_follower, scanned_at, kind, mirror_id)
        VALUES (p_event_id, p_openid, v_scene, 'pending', p_new_follower, p_at, v_kind, v_mirror)
        ON CONFLICT (event_id) DO UPDATE SET new_follower = true
        WHERE NOT s.new_follower AND EXCLUDED.new_follower;
        RETURN QUERY SELECT * FROM binding_evaluate_scan(p_event_id);
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION binding_record_scene_scan(varchar, varchar, varchar, boolean, boolean, timestamptz)`,
    );
    await q.query(`DROP TRIGGER product_scans_store ON product_scans`);
    await q.query(`DROP FUNCTION binding_product_scan_store()`);
    await q.query(`DROP TRIGGER scans_product_attribution ON scans`);
    await q.query(`DROP FUNCTION binding_product_scan_attribution()`);
    await q.query(`DROP TRIGGER scans_attribution ON scans`);
    await q.query(`DROP FUNCTION binding_scan_attribution()`);
    await q.query(`DROP TABLE unsubscribes`);
    await q.query(`DROP INDEX product_scans_store_idx`);
    await q.query(`DROP INDEX product_scans_mirror_idx`);
    await q.query(`
      ALTER TABLE product_scans DROP COLUMN new_follower, DROP COLUMN store_id, DROP COLUMN mirror_id,
        DROP COLUMN scene`);
    await q.query(`DROP INDEX scans_store_idx`);
    await q.query(`DROP INDEX scans_mirror_idx`);
    // the earlier schema has no room for them
    await q.query(`DELETE FROM scans WHERE outcome = 'welcome'`);
    await q.query(`ALTER TABLE scans DROP CONSTRAINT scans_outcome_check`);
    await q.query(`
      ALTER TABLE scans ADD CONSTRAINT scans_outcome_check
        CHECK (outcome IN ('pending', 'claimed', 'own', 'other', 'expired'))`);
    await q.query(`ALTER TABLE scans DROP COLUMN store_id, DROP COLUMN mirror_id, DROP COLUMN kind`);
  }
}
