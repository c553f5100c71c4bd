import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';

/** A mirror as the registry knows it. */
export interface RegisteredMirror {
  id: string;
  storeId: string | null;
  natsUserKey: string | null;
  registeredAt: Date | null;
  revokedAt: Date | null;
  lastSeenAt: Date;
}

const COLUMNS = `id, store_id AS "storeId", nats_user_key AS "natsUserKey", registered_at AS "registeredAt",
                 revoked_at AS "revokedAt", last_seen_at AS "lastSeenAt"`;

/** Postgres I/O of the mirror registry (the `mirrors` table, shared with the sessions it holds). */
@Injectable()
export class MirrorRegistryRepository {
  constructor(private readonly db: DatabaseRepository) {}

  find(mirrorId: string): Promise<RegisteredMirror | null> {
    return this.db.row<RegisteredMirror>(`SELECT ${COLUMNS} FROM mirrors WHERE id = $1 FOR UPDATE`, [
      mirrorId,
    ]);
  }

  /** Records the mirror's store and current credential; a mirror already seen keeps its history. */
  async register(mirrorId: string, storeId: string, natsUserKey: string, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id, nats_user_key, registered_at)
       VALUES ($1, $4, $4, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET store_id = $2, nats_user_key = $3, registered_at = $4, revoked_at = NULL`,
      [mirrorId, storeId, natsUserKey, at],
    );
  }

  async markRevoked(mirrorId: string, at: Date): Promise<void> {
    await this.db.execute(`UPDATE mirrors SET revoked_at = $2 WHERE id = $1`, [mirrorId, at]);
  }

  list(storeId?: string): Promise<RegisteredMirror[]> {
    return storeId
      ? this.db.rows<RegisteredMirror>(`SELECT ${COLUMNS} FROM mirrors WHERE store_id = $1 ORDER BY id`, [
          storeId,
        ])
      : this.db.rows<RegisteredMirror>(`SELECT ${COLUMNS} FROM mirrors ORDER BY store_id NULLS LAST, id`);
  }
}
