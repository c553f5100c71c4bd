import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WeChatUserEntity } from '../database/entities/wechat-user.entity';
import { queryRow } from '../shared/sql';

/** What an event tells about a WeChat user. */
export interface UserTouch {
  openid: string;
  at: Date;
  /** true: following (scan, follow, message); false: unfollowed; undefined: says nothing about it. */
  subscribed?: boolean;
  /** A scan or follow: starts WeChat's short message allowance. */
  burst?: boolean;
  /** Anything the user did that opens WeChat's 48-hour customer-service window. */
  interaction?: boolean;
  unionid?: string | null;
}

/** Postgres I/O for WeChat users and product scans. */
@Injectable()
export class CustomerRepository {
  /**
   * Creates or updates the user. Every field moves forward in time only, so an older event arriving
   * late (or twice) changes nothing.
   */
  async touch(em: EntityManager, t: UserTouch): Promise<void> {
    const subscribed = t.subscribed === undefined ? null : t.subscribed;
    await em.query(
      `INSERT INTO wechat_users AS u
         (openid, unionid, subscribed, subscription_changed_at, last_interaction_at, burst_started_at)
       VALUES ($1, $2, COALESCE($3::boolean, false), CASE WHEN $3::boolean IS NULL THEN NULL ELSE $4::timestamptz END,
               CASE WHEN $5 THEN $4::timestamptz END, CASE WHEN $6 THEN $4::timestamptz END)
       ON CONFLICT (openid) DO UPDATE SET
         unionid = COALESCE(EXCLUDED.unionid, u.unionid),
         subscribed = CASE
           WHEN $3::boolean IS NULL THEN u.subscribed
           WHEN u.subscription_changed_at IS NULL OR u.subscription_changed_at <= $4 THEN $3::boolean
           ELSE u.subscribed END,
         subscription_changed_at = CASE
           WHEN $3::boolean IS NULL THEN u.subscription_changed_at
           ELSE GREATEST(u.subscription_changed_at, $4) END,
         last_interaction_at = CASE WHEN $5 THEN GREATEST(u.last_interaction_at, $4) ELSE u.last_interaction_at END,
         burst_started_at = CASE WHEN $6 THEN GREATEST(u.burst_started_at, $4) ELSE u.burst_started_at END,
         updated_at = now()`,
      [t.openid, t.unionid ?? null, subscribed, t.at, t.interaction ?? false, t.burst ?? false],
    );
  }

  /** The user, locked until the transaction ends (serialises the message allowance per user). */
  lockUser(em: EntityManager, openid: string): Promise<WeChatUserEntity | null> {
    return queryRow<WeChatUserEntity>(
      em,
      `SELECT openid, subscribed, last_interaction_at AS "lastInteractionAt", burst_started_at AS "burstStartedAt"
         FROM wechat_users WHERE openid = $1 FOR UPDATE`,
      [openid],
    );
  }

  async insertProductScan(
    em: EntityManager,
    scan: {
      eventId: string;
      openid: string;
      event: string;
      keyStandard: string;
      keyStr: string;
      extInfo: string | null;
      at: Date;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO product_scans (event_id, openid, event, key_standard, key_str, ext_info, scanned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [scan.eventId, scan.openid, scan.event, scan.keyStandard, scan.keyStr, scan.extInfo, scan.at],
    );
  }
}
