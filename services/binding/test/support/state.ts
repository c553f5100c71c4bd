import { waitFor } from '@mirror/testing';
import type { BindingHarness } from './binding-harness';

/** Waits until every binding consumer has handled (and acked) everything published so far. */
export async function caughtUp(h: BindingHarness, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => {
    for (const stream of ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT']) {
      for await (const c of h.bus.jsm.consumers.list(h.bus.ns.stream(stream))) {
        if (!c.name.startsWith('binding-')) continue;
        if (c.num_pending > 0 || c.num_ack_pending > 0) return false;
      }
    }
    return true;
  }, timeoutMs);
}

/** Every row binding keeps, without bookkeeping timestamps: two equal snapshots are the same record. */
export async function snapshot(h: BindingHarness): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => h.rows(sql);
  return {
    mirrors: await q('SELECT id, first_seen_at FROM mirrors ORDER BY id'),
    sessions: await q(
      'SELECT id, mirror_id, started_at, ended_at, end_reason, photos_purged_at FROM sessions ORDER BY id',
    ),
    scenes: await q('SELECT scene, session_id, ticket, expires_at FROM session_scenes ORDER BY scene'),
    photos: await q(
      'SELECT id, mirror_id, session_id, session_source, taken_at, status, deleted_reason, key_thumb FROM photos ORDER BY id',
    ),
    rejections: await q('SELECT photo_id, reason FROM photo_rejections ORDER BY photo_id'),
    users: await q(
      'SELECT openid, subscribed, subscription_changed_at, last_interaction_at, burst_started_at FROM wechat_users ORDER BY openid',
    ),
    scans: await q(
      'SELECT event_id, openid, scene, session_id, outcome, new_follower FROM scans ORDER BY event_id',
    ),
    bindings: await q(
      'SELECT session_id, openid, scene, status, claim_event_id, confirmed_at FROM bindings ORDER BY session_id',
    ),
    pushes: await q('SELECT event_id, openid, kind, status FROM push_records ORDER BY event_id'),
    products: await q('SELECT event_id, openid, key_standard, key_str FROM product_scans ORDER BY event_id'),
  };
}
