import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duration histograms summed per day over the whole chain: the chain's questions (its chart over a month)
 * read 30 rows per bucket instead of every store's. Kept with the per-store sums by the statistics refresher.
 */
export class StatisticsChainDays1796400000002 implements MigrationInterface {
  name = 'StatisticsChainDays1796400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_chain_day_durations (
        day date NOT NULL,
        metric varchar(16) NOT NULL,
        bucket integer NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (day, metric, bucket)
      )`);
    await q.query(`
      INSERT INTO stats_chain_day_durations (day, metric, bucket, n)
      SELECT day, metric, bucket, sum(n) FROM stats_store_day_durations GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stats_chain_day_durations`);
  }
}
