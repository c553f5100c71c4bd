import { Injectable } from '@nestjs/common';
import { DatabaseRepository } from '../database/database.repository';
import { LockClass } from '../database/lock-class';

/** Postgres I/O of the retention sweep. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Runs `work` only if no other replica is sweeping (session-level advisory lock on a connection of its
   * own, so a replica that dies mid-sweep releases it); returns null when another replica holds it.
   */
  whileLocked<T>(work: () => Promise<T>): Promise<T | null> {
    return this.db.whileLocked(LockClass.retention, work);
  }

  /** Hides the photos taken before `cutoff` whose session nobody confirmed; returns their ids. */
  async markExpired(cutoff: Date, at: Date): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `UPDATE photos p SET status = 'deleting', deleted_reason = 'retention', delete_requested_at = $2
        WHERE p.status = 'stored' AND p.taken_at < $1
          AND NOT EXISTS (SELECT 1 FROM bindings b WHERE b.session_id = p.session_id AND b.status = 'confirmed')
        RETURNING p.id`,
      [cutoff, at],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Photos whose deletion photo-store has not confirmed: the retention ones, and customer deletions
   * older than `staleBefore` (a younger one may still be under way in a request handler). `skip`
   * passes over the ones that already failed in this sweep.
   */
  async pendingDeletions(staleBefore: Date, limit: number, skip = 0): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      `SELECT id FROM photos WHERE status = 'deleting' AND (deleted_reason = 'retention' OR delete_requested_at < $1)
        ORDER BY delete_requested_at, id LIMIT $2 OFFSET $3`,
      [staleBefore, limit, skip],
    );
    return rows.map((r) => r.id);
  }

  /** Sessions whose photos are all gone by now keep their row, marked as purged. */
  async markSessionsPurged(at: Date): Promise<number> {
    const row = await this.db.row<{ n: number }>(
      `WITH purged AS (
         UPDATE sessions s SET photos_purged_at = $1
          WHERE s.photos_purged_at IS NULL
            AND EXISTS (SELECT 1 FROM photos p WHERE p.session_id = s.id AND p.deleted_reason = 'retention')
            AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.session_id = s.id AND p.status <> 'deleted')
          RETURNING 1)
       SELECT count(*)::int AS n FROM purged`,
      [at],
    );
    return row?.n ?? 0;
  }
}
