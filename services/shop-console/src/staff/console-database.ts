import { Pool, type QueryResultRow } from 'pg';

/** The advisory lock class of the console's schema changes ("cons" in ASCII), apart from binding's. */
const SCHEMA_LOCK = 0x636f6e73;

/**
 * The console's schema, in order; each applied once (recorded in console_schema_migrations), under an
 * advisory lock so replicas starting together apply it once.
 */
const MIGRATIONS: { name: string; up: string }[] = [
  {
    name: '001-staff',
    up: `
      CREATE TABLE console_staff (
        username varchar(64) PRIMARY KEY,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('operator', 'manager')),
        store_id varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'manager') = (store_id IS NOT NULL))
      )`,
  },
];

/** The console's Postgres pool: staff accounts only (everything else comes from binding over NATS). */
export class ConsoleDatabase {
  private constructor(readonly pool: Pool) {}

  static open(url: string, max = 4): ConsoleDatabase {
    return new ConsoleDatabase(new Pool({ connectionString: url, max, application_name: 'shop-console' }));
  }

  async rows<T extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, params)).rows;
  }

  /** Applies the migrations not applied yet; returns their names. */
  async migrate(): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [SCHEMA_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS console_schema_migrations (name varchar(100) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await client.query<{ name: string }>('SELECT name FROM console_schema_migrations')).rows.map(
          (r) => r.name,
        ),
      );
      const applied: string[] = [];
      for (const m of MIGRATIONS) {
        if (done.has(m.name)) continue;
        await client.query(m.up);
        await client.query('INSERT INTO console_schema_migrations (name) VALUES ($1)', [m.name]);
        applied.push(m.name);
      }
      await client.query('COMMIT');
      return applied;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
