import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PushStatus } from '../database/entities/push-record.entity';
import { queryRow } from '../shared/sql';

/** Postgres I/O for customer-service messages (one row per scan or message event). */
@Injectable()
export class PushRepository {
  exists(em: EntityManager, eventId: string): Promise<unknown> {
    return queryRow(em, `SELECT 1 FROM push_records WHERE event_id = $1`, [eventId]);
  }

  /** Messages that count against WeChat's allowance since `since` (sent, under way, or maybe sent). */
  async countSince(em: EntityManager, openid: string, since: Date): Promise<number> {
    const row = await queryRow<{ n: number }>(
      em,
      `SELECT count(*)::int AS n FROM push_records
        WHERE openid = $1 AND created_at >= $2 AND status IN ('sending', 'sent', 'unknown')`,
      [openid, since],
    );
    return row?.n ?? 0;
  }

  async insert(
    em: EntityManager,
    r: {
      eventId: string;
      openid: string;
      kind: 'news' | 'text';
      status: PushStatus;
      reason: string | null;
      at: Date;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO push_records (event_id, openid, kind, status, reason, created_at, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.eventId, r.openid, r.kind, r.status, r.reason, r.at, r.status === 'sending' ? null : r.at],
    );
  }

  async finish(
    em: EntityManager,
    eventId: string,
    status: Exclude<PushStatus, 'sending'>,
    at: Date,
    detail: { reason?: string; errcode?: number } = {},
  ): Promise<void> {
    await em.query(
      `UPDATE push_records SET status = $2, finished_at = $3, reason = $4, errcode = $5 WHERE event_id = $1`,
      [eventId, status, at, detail.reason ?? null, detail.errcode ?? null],
    );
  }

  /** Forgets a claim whose message certainly never reached WeChat, so a redelivery may try again. */
  async release(em: EntityManager, eventId: string): Promise<void> {
    await em.query(`DELETE FROM push_records WHERE event_id = $1 AND status = 'sending'`, [eventId]);
  }
}
