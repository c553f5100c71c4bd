import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registered mirrors: the store each belongs to and the public key of its current bus credential
 * (`npm run fleet`). Mirrors first seen before registration keep working; they have no store until
 * registered.
 */
export class MirrorRegistry1796000000000 implements MigrationInterface {
  name = 'MirrorRegistry1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mirrors
        ADD COLUMN store_id varchar(64),
        ADD COLUMN nats_user_key varchar(64),
        ADD COLUMN registered_at timestamptz,
        ADD COLUMN revoked_at timestamptz`);
    await q.query(`CREATE INDEX mirrors_store_idx ON mirrors (store_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX mirrors_store_idx`);
    await q.query(`
      ALTER TABLE mirrors
        DROP COLUMN store_id, DROP COLUMN nats_user_key, DROP COLUMN registered_at, DROP COLUMN revoked_at`);
  }
}
