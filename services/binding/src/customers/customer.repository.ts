import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

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

/** What decides whether WeChat lets binding message a user now. */
export interface MessagingWindow {
  openid: string;
  subscribed: boolean;
  /** Last scan, follow or message: opens the 48-hour customer-service window. */
  lastInteractionAt: Date | null;
  /** Last scan or follow: only a few messages are allowed in the minute after it. */
  burstStartedAt: Date | null;
}

/** A product code a customer scanned with WeChat. */
export interface ProductScan {
  eventId: string;
  openid: string;
  event: string;
  keyStandard: string;
  keyStr: string;
  extInfo: string | null;
  /** The scene ExtInfo carried (`m:<mirrorId>` or a known session's), if any. */
  scene: string | null;
  /** The mirror the scene names; a session scene's mirror is filled in once its scan is decided. */
  mirrorId: string | null;
  /** The store ExtInfo named; recorded only if it is a known store (a mirror's store is filled in by Postgres). */
  storeId: string | null;
  newFollower: boolean;
  at: Date;
}

/** Postgres I/O for WeChat users, their unfollows and product scans. */
@Injectable()
export class CustomerRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Creates or updates the user (`binding_touch_user`, migration ClaimFunctions). Every field moves
   * forward in time only, so an older event arriving late (or twice) changes nothing.
   */
  async touch(t: UserTouch): Promise<void> {
    await this.db.execute(`SELECT binding_touch_user($1, $2, $3, $4, $5, $6)`, [
      t.openid,
      t.unionid ?? null,
      t.subscribed === undefined ? null : t.subscribed,
      t.at,
      t.interaction ?? false,
      t.burst ?? false,
    ]);
  }

  /**
   * The user's messaging window, the user row locked until the transaction ends: it serialises WeChat's
   * message allowance per user across replicas. Call it inside a unit of work.
   */
  lockWindow(openid: string): Promise<MessagingWindow | null> {
    return this.db.row<MessagingWindow>(
      `SELECT openid, subscribed, last_interaction_at AS "lastInteractionAt", burst_started_at AS "burstStartedAt"
         FROM wechat_users WHERE openid = $1 FOR UPDATE`,
      [openid],
    );
  }

  /** Records a product scan once per event id (the store only when it is a known one). */
  async insertProductScan(scan: ProductScan): Promise<void> {
    await this.db.execute(
      `INSERT INTO product_scans (event_id, openid, event, key_standard, key_str, ext_info, scene, mirror_id,
                                  store_id, new_follower, scanned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT id FROM stores WHERE id = $9), $10, $11)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        scan.eventId,
        scan.openid,
        scan.event,
        scan.keyStandard,
        scan.keyStr,
        scan.extInfo,
        scan.scene,
        scan.mirrorId,
        scan.storeId,
        scan.newFollower,
        scan.at,
      ],
    );
  }

  /** Records an unfollow once per event id. */
  async insertUnsubscribe(eventId: string, openid: string, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO unsubscribes (event_id, openid, unsubscribed_at) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO NOTHING`,
      [eventId, openid, at],
    );
  }
}
