import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { LockClass } from './lock-class';

/**
 * Runs `work` while holding the migrations advisory lock on a connection of its own: replicas starting
 * together and the migration Job apply each migration exactly once, the others wait and then find
 * nothing left to do. The lock dies with the connection if the process does.
 */
async function underMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1, 0)', [LockClass.migrations]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1, 0)', [LockClass.migrations]);
    }
  } finally {
    await runner.release();
  }
}

/** Applies every pending migration (each in its own transaction); returns the names applied. */
export async function applyMigrations(dataSource: DataSource, logger: Logger): Promise<string[]> {
  return underMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    if (names.length) logger.info({ migrations: names }, 'database migrations applied');
    else logger.info('database schema is up to date');
    return names;
  });
}

/** Reverts the most recent migration (its `down`). */
export async function revertLastMigration(dataSource: DataSource, logger: Logger): Promise<void> {
  await underMigrationLock(dataSource, async () => {
    await dataSource.undoLastMigration({ transaction: 'each' });
    logger.info('last database migration reverted');
  });
}

/** Names of the migrations not applied yet. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set(
    (
      (await dataSource
        .query(`SELECT name FROM ${dataSource.options.migrationsTableName ?? 'migrations'}`)
        .catch(() => [])) as { name: string }[]
    ).map((r) => r.name),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !executed.has(n));
}
