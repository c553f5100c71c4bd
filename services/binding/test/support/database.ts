import { createTestDatabase, testLogger } from '@mirror/testing';
import { createDataSource } from '../../src/database/data-source';
import { DatabaseRepository } from '../../src/database/database.repository';
import { applyMigrations } from '../../src/database/migration-runner';

/** A fresh, migrated test database and binding's DatabaseRepository over it, without the rest of the service. */
export async function migratedDatabase() {
  const database = await createTestDatabase();
  const dataSource = createDataSource({ url: database.url, poolSize: 4 });
  await dataSource.initialize();
  await applyMigrations(dataSource, testLogger());
  return {
    url: database.url,
    db: new DatabaseRepository(dataSource),
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
