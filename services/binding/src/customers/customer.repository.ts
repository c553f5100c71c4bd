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
   * Creates or updates the user (`binding_touch_user`, migration ClaimFunctions). Every field moves
   * forward in time only, so an older event arriving late (or twice) changes nothing.
   */
  async touch(em: EntityManager, t: UserTouch): Promise<void> {
    await em.query(`SELECT binding_touch_user($1, $2, $3, $4, $5, $6)`, [
      t.openid,
      t.unionid ?? null,
      t.subscribed === undefined ? null : t.subscribed,
      t.at,
      t.interaction ?? false,
      t.burst ?? false,
    ]);
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
