import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Favourite looks: a customer marks photos of a session as favourites at the mirror (victory) or on the
 * photo page. The favourite leads the WeChat reply and the photo page; `favourited_at` says which is the
 * latest when there are several.
 */
export class PhotoFavourites1796500000000 implements MigrationInterface {
  name = 'PhotoFavourites1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE photos
        ADD COLUMN favourite boolean NOT NULL DEFAULT false,
        ADD COLUMN favourited_at timestamptz`);
    await q.query(
      `CREATE INDEX photos_session_favourites ON photos (session_id, favourited_at DESC) WHERE favourite`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX photos_session_favourites`);
    await q.query(`ALTER TABLE photos DROP COLUMN favourited_at, DROP COLUMN favourite`);
  }
}
