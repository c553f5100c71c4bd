import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import type { PushStatus } from '../database/entities/push-record.entity';

/** The record of one customer-service message, as first written. */
export interface NewPushRecord {
  eventId: string;
  openid: string;
  kind: 'news' | 'text';
  status: PushStatus;
  reason: string | null;
  at: Date;
}

/** Postgres I/O for customer-service messages (one row per scan or message event). */
@Injectable()
export class PushRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /** True when a message was already recorded for the event (whatever became of it). */
  async exists(eventId: string): Promise<boolean> {
    return (await this.db.row(`SELECT 1 FROM push_records WHERE event_id = $1`, [eventId])) !== null;
  }

  /** Messages that count against WeChat's allowance since `since` (sent, under way, or maybe sent). */
  async countSince(openid: string, since: Date): Promise<number> {
    const row = await this.db.row<{ n: number }>(
      `SELECT count(*)::int AS n FROM push_records
        WHERE openid = $1 AND created_at >= $2 AND status IN ('sending', 'sent', 'unknown')`,
      [openid, since],
    );
    return row?.n ?? 0;
  }

  /** The event's record: `sending` claims the event before WeChat is called; `skipped` is final. */
  async insert(r: NewPushRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO push_records (event_id, openid, kind, status, reason, created_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.eventId, r.openid, r.kind, r.status, r.reason, r.at, r.status === 'sending' ? null : r.at],
    );
  }

  /** What became of the message. */
  async finish(
    eventId: string,
    status: Exclude<PushStatus, 'sending'>,
    at: Date,
    detail: { reason?: string; errcode?: number } = {},
  ): Promise<void> {
    await this.db.execute(
      `UPDATE push_records SET status = $2, finished_at = $3, reason = $4, errcode = $5 WHERE event_id = $1`,
      [eventId, status, at, detail.reason ?? null, detail.errcode ?? null],
    );
  }

  /** Forgets a claim whose message certainly never reached WeChat, so a redelivery may try again. */
  async release(eventId: string): Promise<void> {
    await this.db.execute(`DELETE FROM push_records WHERE event_id = $1 AND status = 'sending'`, [eventId]);
  }
}
