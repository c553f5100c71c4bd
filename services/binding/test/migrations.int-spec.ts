import { Client as Pg } from 'pg';
import { createTestDatabase, testLogger } from '@mirror/testing';
import { createDataSource } from '../src/database/data-source';
import { applyMigrations, pendingMigrations, revertLastMigration } from '../src/database/migration-runner';

describe('binding migrations', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const sources = Array.from({ length: 3 }, () => null as ReturnType<typeof createDataSource> | null);

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of sources) if (s?.isInitialized) await s.destroy();
    await db?.drop();
  });

  const tables = async () => {
    const pg = new Pg({ connectionString: db.url });
    await pg.connect();
    const { rows } = await pg.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    await pg.end();
    return rows.map((r: { table_name: string }) => r.table_name);
  };

  it('applies the schema once when several processes start together, and reverts it', async () => {
    for (let i = 0; i < sources.length; i++) {
      sources[i] = createDataSource({ url: db.url, poolSize: 2 });
      await sources[i]!.initialize();
    }
    const applied = await Promise.all(sources.map((s) => applyMigrations(s!, testLogger())));
    expect(applied.filter((names) => names.length > 0)).toEqual([['InitialSchema1795468301502']]);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'bindings',
        'mirrors',
        'photos',
        'push_records',
        'scans',
        'sessions',
        'wechat_users',
      ]),
    );
    expect(await pendingMigrations(sources[0]!)).toEqual([]);

    await revertLastMigration(sources[0]!, testLogger());
    expect(await tables()).toEqual(['schema_migrations']);
    expect(await pendingMigrations(sources[0]!)).toEqual(['InitialSchema1795468301502']);
    await expect(applyMigrations(sources[1]!, testLogger())).resolves.toEqual(['InitialSchema1795468301502']);
  });
});
