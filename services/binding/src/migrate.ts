import { databaseShape, env, loadConfig, ConfigError } from '@mirror/config';
import { createLogger } from '@mirror/platform';
import { createDataSource } from './database/data-source';
import { applyMigrations, pendingMigrations, revertLastMigration } from './database/migration-runner';

/**
 * `node services/binding/dist/migrate.js [up|revert|status]`: the database migrations as a one-shot
 * command (the k8s Job and docker-compose run it before binding starts). Needs only DATABASE_URL.
 */
async function main(command: string): Promise<void> {
  const config = loadConfig('binding-migrate', { ...databaseShape, LOG_LEVEL: env.logLevel() });
  const logger = createLogger('binding-migrate', config.LOG_LEVEL);
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    poolSize: 2,
    applicationName: 'binding-migrate',
  });
  await dataSource.initialize();
  try {
    if (command === 'up') await applyMigrations(dataSource, logger);
    else if (command === 'revert') await revertLastMigration(dataSource, logger);
    else logger.info({ pending: await pendingMigrations(dataSource) }, 'migration status');
  } finally {
    await dataSource.destroy();
  }
}

const command = process.argv[2] ?? 'up';
if (!['up', 'revert', 'status'].includes(command)) {
  process.stderr.write(`usage: migrate.js [up|revert|status] (got "${command}")\n`);
  process.exit(2);
}
main(command).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(
      e instanceof ConfigError
        ? `${e.message}\n`
        : `binding-migrate failed: ${e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(1);
  },
);
