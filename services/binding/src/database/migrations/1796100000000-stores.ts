import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stores mirrors are registered to (channel statistics and the console group by store). A registered
 * mirror (one with a bus credential) always names a known store; a mirror only seen through its events,
 * before any registration, has none: `store_id` stays null rather than holding a made-up store.
 */
export class Stores1796100000000 implements MigrationInterface {
  name = 'Stores1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stores (
        id varchar(64) PRIMARY KEY,
        name text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // stores named by registrations made before this table existed
    await q.query(`INSERT INTO stores (id) SELECT DISTINCT store_id FROM mirrors WHERE store_id IS NOT NULL`);
    await q.query(`
      ALTER TABLE mirrors
        ADD CONSTRAINT mirrors_store_fk FOREIGN KEY (store_id) REFERENCES stores(id),
        ADD CONSTRAINT mirrors_registered_to_store CHECK (nats_user_key IS NULL OR store_id IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mirrors DROP CONSTRAINT mirrors_registered_to_store, DROP CONSTRAINT mirrors_store_fk`);
    await q.query(`DROP TABLE stores`);
  }
}
