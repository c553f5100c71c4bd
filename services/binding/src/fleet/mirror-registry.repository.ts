import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { LockClass } from '../database/lock-class';

/** A mirror as the registry knows it. */
export interface RegisteredMirror {
  id: string;
  /** Null for a mirror only seen through its events, never registered. */
  storeId: string | null;
  storeName: string | null;
  /** The public key of its current bus credential. */
  natsUserKey: string | null;
  registeredAt: Date | null;
  /** Set while the mirror is revoked; a new registration clears it. */
  revokedAt: Date | null;
  lastSeenAt: Date;
}

const COLUMNS = `m.id, m.store_id AS "storeId", s.name AS "storeName", m.nats_user_key AS "natsUserKey",
                 m.registered_at AS "registeredAt", m.revoked_at AS "revokedAt", m.last_seen_at AS "lastSeenAt"`;
const FROM = `mirrors m LEFT JOIN stores s ON s.id = m.store_id`;

/** Postgres I/O of the mirror registry (`mirrors`, shared with the sessions, and `stores`). */
@Injectable()
export class MirrorRegistryRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Waits until no other fleet command is registering or revoking, up to the end of the open transaction
   * (call it inside one).
   */
  async lockRegistry(): Promise<void> {
    await this.db.execute('SELECT pg_advisory_xact_lock($1, 0)', [LockClass.fleet]);
  }

  find(mirrorId: string): Promise<RegisteredMirror | null> {
    return this.db.row<RegisteredMirror>(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.id = $1`, [mirrorId]);
  }

  /** Creates the store if it is new; a given name replaces the one it had. */
  async upsertStore(storeId: string, name: string | undefined, at: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO stores (id, name, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET name = COALESCE(EXCLUDED.name, stores.name)`,
      [storeId, name ?? null, at],
    );
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

  /** Stamps the revocation; an earlier stamp stays. */
  async markRevoked(mirrorId: string, at: Date): Promise<void> {
    await this.db.execute(`UPDATE mirrors SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, [
      mirrorId,
      at,
    ]);
  }

  /** Every mirror, registered or only seen, by store; or the mirrors of one store. */
  list(storeId?: string): Promise<RegisteredMirror[]> {
    return storeId
      ? this.db.rows<RegisteredMirror>(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.store_id = $1 ORDER BY m.id`, [
          storeId,
        ])
      : this.db.rows<RegisteredMirror>(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY m.store_id NULLS LAST, m.id`);
  }
}
