import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duration histograms summed per mirror and week (Monday to Sunday, Asia/Shanghai days): a month broken
 * down per mirror reads four weeks and a few days per mirror instead of thirty days. Kept with the daily
 * rows by the statistics refresher (the week of every recomputed (mirror, day) pair).
 */
export class StatisticsMirrorWeeks1796600000000 implements MigrationInterface {
  name = 'StatisticsMirrorWeeks1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_mirror_week_durations (
        week date NOT NULL CHECK (extract(isodow FROM week) = 1),
        mirror_id varchar(64) NOT NULL,
        metric varchar(16) NOT NULL,
        bucket integer NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (week, mirror_id, metric, bucket)
      )`);
    await q.query(`
      INSERT INTO stats_mirror_week_durations (week, mirror_id, metric, bucket, n)
      SELECT date_trunc('week', day)::date, mirror_id, metric, bucket, sum(n)
        FROM stats_mirror_day_durations GROUP BY 1, 2, 3, 4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stats_mirror_week_durations`);
  }
}
