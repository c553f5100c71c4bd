import { Client as Pg } from 'pg';
import { createTestDatabase, testLogger } from '@mirror/testing';
import { MIGRATIONS, createDataSource } from '../src/database/data-source';
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

  const catalogue = async (sql: string, column: string) => {
    const pg = new Pg({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(sql);
      return rows.map((r: Record<string, string>) => r[column]);
    } finally {
      await pg.end();
    }
  };
  const tables = () =>
    catalogue(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      'table_name',
    );
  const functions = () =>
    catalogue(
      `SELECT routine_name FROM information_schema.routines WHERE routine_schema = 'public'
        AND routine_name LIKE 'binding_%' ORDER BY routine_name`,
      'routine_name',
    );
  /** Every migration; the first four are taken apart one by one below, after the newer ones are reverted. */
  const ALL = MIGRATIONS.map((m) => new m().name);
  const FIRST = [
    'InitialSchema1795468301502',
    'ClaimFunctions1795900000000',
    'MirrorRegistry1796000000000',
    'Stores1796100000000',
  ];
  /** Reverts the newest migrations until only the first `count` are applied. */
  const revertTo = async (count: number) => {
    while (ALL.length - (await pendingMigrations(sources[0]!)).length > count) {
      await revertLastMigration(sources[0]!, testLogger());
    }
  };
  const registryColumns = () =>
    catalogue(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'mirrors'
        AND column_name IN ('store_id', 'nats_user_key', 'registered_at', 'revoked_at') ORDER BY column_name`,
      'column_name',
    );

  it('applies the schema once when several processes start together, and reverts it', async () => {
    for (let i = 0; i < sources.length; i++) {
      sources[i] = createDataSource({ url: db.url, poolSize: 2 });
      await sources[i]!.initialize();
    }
    const applied = await Promise.all(sources.map((s) => applyMigrations(s!, testLogger())));
    expect(applied.filter((names) => names.length > 0)).toEqual([ALL]);
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
    expect(ALL.slice(0, 4)).toEqual(FIRST);
    expect(await functions()).toEqual(
      expect.arrayContaining(['binding_evaluate_scan', 'binding_record_scan', 'binding_touch_user']),
    );
    expect(await pendingMigrations(sources[0]!)).toEqual([]);

    expect(await registryColumns()).toEqual(['nats_user_key', 'registered_at', 'revoked_at', 'store_id']);

    expect(await tables()).toContain('stores');

    // newest first: the stores, the mirror registry, the functions, then the tables
    await revertTo(3);
    expect(await tables()).not.toContain('stores');
    expect(await registryColumns()).toHaveLength(4);
    expect(await pendingMigrations(sources[0]!)).toEqual(ALL.slice(3));
    // a mirror registered before stores existed: its store is created, and a registered mirror needs one
    await catalogue(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id, nats_user_key, registered_at)
       VALUES ('m-1', now(), now(), 'store-x', 'UKEY', now()) RETURNING id`,
      'id',
    );
    await expect(applyMigrations(sources[0]!, testLogger())).resolves.toEqual(ALL.slice(3));
    expect(await catalogue(`SELECT id FROM stores`, 'id')).toEqual(['store-x']);
    await expect(catalogue(`UPDATE mirrors SET store_id = NULL RETURNING id`, 'id')).rejects.toThrow(
      /mirrors_registered_to_store/,
    );
    await catalogue(`DELETE FROM mirrors RETURNING id`, 'id');
    await revertTo(2);
    expect(await registryColumns()).toEqual([]);
    expect(await pendingMigrations(sources[0]!)).toEqual(ALL.slice(2));
    await revertTo(1);
    expect(await functions()).toEqual([]);
    expect(await pendingMigrations(sources[0]!)).toEqual(ALL.slice(1));
    await revertTo(0);
    expect(await tables()).toEqual(['schema_migrations']);
    expect(await pendingMigrations(sources[0]!)).toEqual(ALL);
    await expect(applyMigrations(sources[1]!, testLogger())).resolves.toEqual(ALL);
  });
});
