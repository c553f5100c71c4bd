import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim rule as Postgres functions, so that recording a scan (customer, scan row, claim) is one
 * round trip instead of a dozen statements: the gateway waits for it inside WeChat's reply budget.
 *
 * - `binding_touch_user`: creates or updates a WeChat user; every field only moves forward in time, so an
 *   older event arriving late (or twice) changes nothing.
 * - `binding_evaluate_scan`: decides a pending scan (first scanner of a live scene claims its session);
 *   the caller holds the scene's advisory lock.
 * - `binding_record_scan`: takes the scene's lock, touches the user, records the scan once per event id
 *   and evaluates it.
 *
 * The advisory lock key is `(1650720771, hashtext(scene))`: 1650720771 is `LockClass.scene`
 * (0x62640003, src/database/lock-class.ts), written out because a migration must not change when code does.
 */
export class ClaimFunctions1795900000000 implements MigrationInterface {
  name = 'ClaimFunctions1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION binding_touch_user(
        p_openid varchar, p_unionid varchar, p_subscribed boolean, p_at timestamptz,
        p_interaction boolean, p_burst boolean
      ) RETURNS void LANGUAGE sql AS $$
        INSERT INTO wechat_users AS u
          (openid, unionid, subscribed, subscription_changed_at, last_interaction_at, burst_started_at)
        VALUES (p_openid, p_unionid, COALESCE(p_subscribed, false),
                CASE WHEN p_subscribed IS NULL THEN NULL ELSE p_at END,
                CASE WHEN p_interaction THEN p_at END, CASE WHEN p_burst THEN p_at END)
        ON CONFLICT (openid) DO UPDATE SET
          unionid = COALESCE(EXCLUDED.unionid, u.unionid),
          subscribed = CASE
            WHEN p_subscribed IS NULL THEN u.subscribed
            WHEN u.subscription_changed_at IS NULL OR u.subscription_changed_at <= p_at THEN p_subscribed
            ELSE u.subscribed END,
          subscription_changed_at = CASE
            WHEN p_subscribed IS NULL THEN u.subscription_changed_at
            ELSE GREATEST(u.subscription_changed_at, p_at) END,
          last_interaction_at = CASE WHEN p_interaction THEN GREATEST(u.last_interaction_at, p_at)
                                     ELSE u.last_interaction_at END,
          burst_started_at = CASE WHEN p_burst THEN GREATEST(u.burst_started_at, p_at) ELSE u.burst_started_at END,
          updated_at = now()
      $$`);

    await q.query(`
      CREATE FUNCTION binding_evaluate_scan(p_event_id varchar)
      RETURNS TABLE (outcome varchar, session_id char(26), mirror_id varchar, claimed boolean, evaluated boolean)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_scan scans%ROWTYPE;
        v_session char(26);
        v_mirror varchar;
        v_expires timestamptz;
        v_owner varchar;
        v_outcome varchar;
        v_claimed boolean := false;
      BEGIN
        SELECT * INTO v_scan FROM scans s WHERE s.event_id = p_event_id FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'scan % is not recorded', p_event_id;
        END IF;
        IF v_scan.outcome <> 'pending' THEN
          RETURN QUERY SELECT v_scan.outcome, v_scan.session_id, NULL::varchar, false, false;
          RETURN;
        END IF;
        SELECT q.session_id, s.mirror_id, q.expires_at INTO v_session, v_mirror, v_expires
          FROM session_scenes q JOIN sessions s ON s.id = q.session_id WHERE q.scene = v_scan.scene;
        IF NOT FOUND THEN
          RETURN QUERY SELECT 'pending'::varchar, NULL::char(26), NULL::varchar, false, false;
          RETURN;
        END IF;
        SELECT b.openid INTO v_owner FROM bindings b WHERE b.session_id = v_session;
        IF FOUND THEN
          v_outcome := CASE WHEN v_owner = v_scan.openid THEN 'own' ELSE 'other' END;
        ELSIF v_scan.scanned_at > v_expires THEN
          v_outcome := 'expired';
        ELSE
          INSERT INTO bindings AS b (session_id, openid, scene, status, claim_event_id, claimed_at)
          VALUES (v_session, v_scan.openid, v_scan.scene, 'claimed', v_scan.event_id, v_scan.scanned_at)
          ON CONFLICT (session_id) DO NOTHING;
          IF FOUND THEN
            v_outcome := 'claimed';
            v_claimed := true;
          ELSE
            -- another transaction claimed the session between our read and our insert
            SELECT b.openid INTO v_owner FROM bindings b WHERE b.session_id = v_session;
            v_outcome := CASE WHEN v_owner = v_scan.openid THEN 'own' ELSE 'other' END;
          END IF;
        END IF;
        UPDATE scans s SET outcome = v_outcome, session_id = v_session WHERE s.event_id = p_event_id;
        RETURN QUERY SELECT v_outcome, v_session, v_mirror, v_claimed, true;
      END
      $$`);

    await q.query(`
      CREATE FUNCTION binding_record_scan(
        p_event_id varchar, p_openid varchar, p_scene varchar, p_new_follower boolean, p_at timestamptz
      ) RETURNS TABLE (outcome varchar, session_id char(26), mirror_id varchar, claimed boolean, evaluated boolean)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        PERFORM pg_advisory_xact_lock(1650720771, hashtext(p_scene));
        PERFORM binding_touch_user(p_openid, NULL, true, p_at, true, true);
        -- once per event id; a second delivery only fills in what the first did not know
        INSERT INTO scans AS s (event_id, openid, scene, outcome, new_follower, scanned_at)
        VALUES (p_event_id, p_openid, p_scene, 'pending', p_new_follower, p_at)
        ON CONFLICT (event_id) DO UPDATE SET new_follower = s.new_follower OR EXCLUDED.new_follower
        WHERE NOT s.new_follower AND EXCLUDED.new_follower;
        RETURN QUERY SELECT * FROM binding_evaluate_scan(p_event_id);
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION binding_record_scan(varchar, varchar, varchar, boolean, timestamptz)`);
    await q.query(`DROP FUNCTION binding_evaluate_scan(varchar)`);
    await q.query(
      `DROP FUNCTION binding_touch_user(varchar, varchar, boolean, timestamptz, boolean, boolean)`,
    );
  }
}
