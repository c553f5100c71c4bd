import type { Client as Pg } from 'pg';

export interface DatasetShape {
  days: number;
  mirrors: number;
  mirrorsPerStore: number;
  sessionsPerMirrorDay: number;
}

/**
 * Fills binding's source tables with `shape.days` days (ending today, Asia/Shanghai) of activity on
 * `shape.mirrors` mirrors, straight in SQL (the statistics triggers are off while it does; every (mirror, day)
 * is then marked changed at once, as after a bulk import): sessions of 30 s–15 min, 85 % with a QR code, 40 %
 * of those scanned 5–60 s after it was shown (a second scan in a quarter of them), half the scans follows,
 * the first scanner claiming, 60 % of claims confirmed, about two photos per session, 5 % deleted by the
 * customer, a tenth of the followers unfollowing within a few days, three permanent-code and two product
 * scans per mirror and day. Returns the row counts.
 */
export async function generate(pg: Pg, shape: DatasetShape): Promise<Record<string, number>> {
  const tables = [
    'sessions',
    'session_scenes',
    'scans',
    'bindings',
    'photos',
    'product_scans',
    'unsubscribes',
  ];
  for (const t of tables) await pg.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
  const stores = Math.ceil(shape.mirrors / shape.mirrorsPerStore);
  await pg.query(
    `INSERT INTO stores (id, name) SELECT 'store-' || i, '门店 ' || i FROM generate_series(1, $1) i`,
    [stores],
  );
  await pg.query(
    `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id)
     SELECT 'mirror-' || i, now(), now(), 'store-' || ((i - 1) / $2 + 1) FROM generate_series(1, $1) i`,
    [shape.mirrors, shape.mirrorsPerStore],
  );
  // the day's sessions; ids are 26 characters like ULIDs
  await pg.query(
    `CREATE TEMP TABLE gen AS
     SELECT lpad(to_hex(m::bigint * 100000000 + d * 10000 + k), 26, '0') AS id, 'mirror-' || m AS mirror_id,
            m, d, k,
            ((current_date - d)::timestamp AT TIME ZONE 'Asia/Shanghai') + interval '9 hours'
              + make_interval(secs => random() * 12 * 3600) AS started_at,
            30 + floor(random() * 870)::int AS len, random() AS r1, random() AS r2, random() AS r3
       FROM generate_series(1, $1) m, generate_series(0, $2 - 1) d, generate_series(1, $3) k`,
    [shape.mirrors, shape.days, shape.sessionsPerMirrorDay],
  );
  await pg.query(`
    INSERT INTO sessions (id, mirror_id, started_at, ended_at, end_reason)
    SELECT id, mirror_id, started_at, started_at + make_interval(secs => len), 'absent' FROM gen`);
  await pg.query(`
    INSERT INTO session_scenes (scene, session_id, ticket, url, expires_at, created_at)
    SELECT 'scene-' || id, id, 't', 'https://w.example/q', started_at + interval '1 day',
           started_at + interval '300 milliseconds'
      FROM gen WHERE r1 < 0.85`);
  await pg.query(`
    INSERT INTO wechat_users (openid, subscribed, subscription_changed_at)
    SELECT 'o' || id, r3 >= 0.1, started_at FROM gen WHERE r1 < 0.34`);
  await pg.query(`
    INSERT INTO scans (event_id, openid, scene, session_id, outcome, new_follower, scanned_at, kind, mirror_id, store_id)
    SELECT 'e1-' || g.id, 'o' || g.id, 'scene-' || g.id, g.id, 'claimed', g.r2 < 0.5,
           g.started_at + make_interval(secs => 5 + floor(g.r2 * 55)), 'session', g.mirror_id, m.store_id
      FROM gen g JOIN mirrors m ON m.id = g.mirror_id WHERE g.r1 < 0.34`);
  await pg.query(`
    INSERT INTO scans (event_id, openid, scene, session_id, outcome, new_follower, scanned_at, kind, mirror_id, store_id)
    SELECT 'e2-' || g.id, 'o' || g.id, 'scene-' || g.id, g.id, 'own', false,
           g.started_at + make_interval(secs => 90), 'session', g.mirror_id, m.store_id
      FROM gen g JOIN mirrors m ON m.id = g.mirror_id WHERE g.r1 < 0.085`);
  await pg.query(`
    INSERT INTO scans (event_id, openid, scene, session_id, outcome, new_follower, scanned_at, kind, mirror_id, store_id)
    SELECT 'e3-' || g.id, 'o' || g.id, 'm:' || g.mirror_id, NULL, 'welcome', true,
           g.started_at - interval '1 minute', 'permanent', g.mirror_id, m.store_id
      FROM gen g JOIN mirrors m ON m.id = g.mirror_id WHERE g.r1 < 0.34 AND g.k <= 3`);
  await pg.query(`
    INSERT INTO bindings (session_id, openid, scene, status, claim_event_id, claimed_at, confirmed_at)
    SELECT g.id, 'o' || g.id, 'scene-' || g.id, CASE WHEN g.r3 < 0.6 THEN 'confirmed' ELSE 'claimed' END, 'e1-' || g.id,
           g.started_at + make_interval(secs => 5 + floor(g.r2 * 55)),
           CASE WHEN g.r3 < 0.6 THEN g.started_at + interval '3 minutes' END
      FROM gen g WHERE g.r1 < 0.34`);
  await pg.query(`
    INSERT INTO unsubscribes (event_id, openid, unsubscribed_at)
    SELECT 'u-' || g.id, 'o' || g.id, g.started_at + interval '2 days' FROM gen g WHERE g.r1 < 0.34 AND g.r3 < 0.1`);
  await pg.query(`
    INSERT INTO product_scans (event_id, openid, event, key_standard, key_str, scanned_at, mirror_id, store_id, new_follower)
    SELECT 'p-' || g.id, 'o' || g.id, 'user_scan_product', 'ean13', '6901234567892', g.started_at,
           CASE WHEN g.k = 1 THEN g.mirror_id END, m.store_id, false
      FROM gen g JOIN mirrors m ON m.id = g.mirror_id WHERE g.r1 < 0.34 AND g.k <= 2`);
  await pg.query(`
    INSERT INTO photos (id, mirror_id, session_id, session_source, taken_at, key_thumb, status, deleted_reason,
                        delete_requested_at, deleted_at)
    SELECT g.id || '-' || n, g.mirror_id, g.id, 'mirror', g.started_at + make_interval(secs => 20 * n), 'k',
           CASE WHEN g.r2 < 0.05 THEN 'deleted' ELSE 'stored' END,
           CASE WHEN g.r2 < 0.05 THEN 'customer' END,
           CASE WHEN g.r2 < 0.05 THEN g.started_at + interval '10 minutes' END,
           CASE WHEN g.r2 < 0.05 THEN g.started_at + interval '10 minutes' END
      FROM gen g, generate_series(1, 1 + floor(g.r3 * 3)::int) n`);
  for (const t of tables) await pg.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  await pg.query(`
    INSERT INTO stats_dirty (mirror_id, day)
    SELECT DISTINCT mirror_id, stats_day(started_at) FROM gen
    UNION SELECT DISTINCT stats_source(mirror_id, store_id), stats_day(scanned_at) FROM product_scans`);
  await pg.query(`DROP TABLE gen`);
  await pg.query('ANALYZE');
  const counts: Record<string, number> = {};
  for (const t of [...tables, 'wechat_users', 'stats_dirty']) {
    counts[t] = Number((await pg.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  }
  return counts;
}
