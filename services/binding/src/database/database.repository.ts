import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/**
 * binding's one way into Postgres. Every repository sends its SQL through here: inside
 * `transaction(work)` on the transaction's connection, otherwise on a pooled connection per statement.
 * The open transaction travels with the async context, so callers never pass a manager around.
 */
@Injectable()
export class DatabaseRepository extends UnitOfWork {
  private readonly open = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.open.getStore()) return work();
    return this.dataSource.transaction((em) => this.open.run(em, work));
  }

  /**
   * Runs SQL and returns the rows, whatever the statement (TypeORM's plain `query` returns
   * `[rows, count]` for UPDATE/DELETE but `rows` for SELECT/INSERT).
   */
  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const em = this.open.getStore();
    const runner = em?.queryRunner ?? this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return (result.records ?? []) as T[];
    } finally {
      if (!em) await runner.release();
    }
  }

  /** The first row, or null. */
  async row<T>(sql: string, params: unknown[] = []): Promise<T | null> {
    const rows = await this.rows<T>(sql, params);
    return rows[0] ?? null;
  }

  /** Runs a statement whose rows nobody needs. */
  async execute(sql: string, params: unknown[] = []): Promise<void> {
    await this.rows(sql, params);
  }

  /**
   * Runs `work` only if no other process holds the session-level advisory lock `(lockClass, 0)`; returns
   * null at once when one does. The lock is held on a connection of its own, so a process that dies
   * mid-work releases it with its connection.
   */
  async whileLocked<T>(lockClass: number, work: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, 0) AS locked', [
        lockClass,
      ])) as { locked: boolean }[];
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, 0)', [lockClass]);
      }
    } finally {
      await runner.release();
    }
  }
}
