import type { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns the rows, whatever the statement (TypeORM's plain `query` returns
 * `[rows, count]` for UPDATE/DELETE but `rows` for SELECT/INSERT).
 */
export async function queryRows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/** The first row, or null. */
export async function queryRow<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T | null> {
  const rows = await queryRows<T>(em, sql, params);
  return rows[0] ?? null;
}

/**
 * Namespaces of the two-key Postgres advisory locks binding takes (`pg_advisory_lock(class, key)`), so
 * they cannot collide with each other or with another application's locks on the same database.
 */
export const LockClass = {
  /** Session-level: one process applies migrations at a time. */
  migrations: 0x62640001,
  /** Session-level: one replica runs the retention sweep at a time. */
  retention: 0x62640002,
  /** Transaction-level, key = hashtext(scene): a scan and the scene's `qr.issued` never miss each other. */
  scene: 0x62640003,
} as const;
