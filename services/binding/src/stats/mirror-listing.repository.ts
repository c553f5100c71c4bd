import { Injectable } from '@nestjs/common';
import type { MirrorsListRequest, MirrorsListResponse } from '@mirror/contracts';
import { DatabaseRepository } from '../database/database.repository';

interface MirrorRow {
  mirrorId: string;
  storeId: string | null;
  registeredAt: Date | null;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
  openSessionId: string | null;
  openSessionStartedAt: Date | null;
  lastPhotoAt: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The console's list of mirrors: registration, last activity, the open session, the last photo. */
@Injectable()
export class MirrorListingRepository {
  constructor(private readonly db: DatabaseRepository) {}

  async list(request: Omit<MirrorsListRequest, 'v'>): Promise<MirrorsListResponse> {
    const params: unknown[] = [request.storeIds ?? null, request.mirrorId ?? null];
    const rows = await this.db.rows<MirrorRow>(
      `SELECT m.id AS "mirrorId", m.store_id AS "storeId", m.registered_at AS "registeredAt",
              m.revoked_at AS "revokedAt", m.last_seen_at AS "lastSeenAt",
              o.id AS "openSessionId", o.started_at AS "openSessionStartedAt", p.taken_at AS "lastPhotoAt"
         FROM mirrors m
         LEFT JOIN LATERAL (
           SELECT s.id, s.started_at FROM sessions s
            WHERE s.mirror_id = m.id AND s.started_at IS NOT NULL AND s.ended_at IS NULL
            ORDER BY s.started_at DESC LIMIT 1) o ON true
         LEFT JOIN LATERAL (
           SELECT ph.taken_at FROM photos ph WHERE ph.mirror_id = m.id AND ph.taken_at IS NOT NULL
            ORDER BY ph.taken_at DESC LIMIT 1) p ON true
        WHERE ($1::varchar[] IS NULL OR m.store_id = ANY($1::varchar[])) AND ($2::varchar IS NULL OR m.id = $2)
        ORDER BY m.store_id NULLS LAST, m.id`,
      params,
    );
    const stores = await this.db.rows<{ storeId: string; name: string | null }>(
      `SELECT id AS "storeId", name FROM stores WHERE $1::varchar[] IS NULL OR id = ANY($1::varchar[]) ORDER BY id`,
      [request.storeIds ?? null],
    );
    return {
      stores,
      mirrors: rows.map((r) => ({
        mirrorId: r.mirrorId,
        storeId: r.storeId,
        registeredAt: iso(r.registeredAt),
        revokedAt: iso(r.revokedAt),
        lastSeenAt: iso(r.lastSeenAt),
        openSession:
          r.openSessionId && r.openSessionStartedAt
            ? { sessionId: r.openSessionId, startedAt: r.openSessionStartedAt.toISOString() }
            : null,
        lastPhotoAt: iso(r.lastPhotoAt),
      })),
    };
  }
}
