import { Injectable } from '@nestjs/common';
import type { StatsGrouping } from '@mirror/contracts';
import { DatabaseRepository } from '../database/database.repository';
import { fullWeeks } from './weeks';

export interface StatsScope {
  from: string;
  to: string;
  /** Only these stores; undefined: all (an empty list: none). */
  storeIds?: string[];
  mirrorId?: string;
  by: StatsGrouping[];
}

/** The group a row belongs to (only the columns of `by` are set). */
export interface StatsGroupKey {
  day?: string;
  mirrorId?: string | null;
  storeId?: string | null;
}

export interface CounterRow extends StatsGroupKey {
  sessionsStarted: number;
  sessionsWithQr: number;
  sessionsEnded: number;
  scansSession: number;
  scansPermanent: number;
  scansProduct: number;
  newFollowers: number;
  unsubscribedWithin7Days: number;
  claims: number;
  confirmations: number;
  photosTaken: number;
  photosDeletedByCustomers: number;
}

export interface DurationRow extends StatsGroupKey {
  metric: 'session' | 'qr_to_scan';
  bucket: number;
  n: number;
}

const GROUP_COLUMNS: Record<StatsGrouping, string> = {
  day: `to_char(day, 'YYYY-MM-DD') AS day`,
  mirror: `mirror_id AS "mirrorId"`,
  store: `store_id AS "storeId"`,
};
const GROUP_BY: Record<StatsGrouping, string> = { day: 'day', mirror: 'mirror_id', store: 'store_id' };

/** Reads the materialised statistics, summed over a scope and grouped (StatsRepository keeps them). */
@Injectable()
export class StatsQueryRepository {
  constructor(private readonly db: DatabaseRepository) {}

  /**
   * Both reads in one transaction without JIT: a month of the chain is costed high enough for Postgres to
   * compile the plan, which takes longer than running it.
   */
  read(scope: StatsScope): Promise<[CounterRow[], DurationRow[]]> {
    return this.db.transaction(async () => {
      await this.db.execute('SET LOCAL jit = off');
      // a month per mirror groups ~70,000 histogram buckets: in memory rather than in batches on disk
      await this.db.execute(`SET LOCAL work_mem = '32MB'`);
      return [await this.counters(scope), await this.durations(scope)];
    });
  }

  counters(scope: StatsScope): Promise<CounterRow[]> {
    const { where, params, select, groupBy } = this.parts(scope);
    // a mirror's store, when grouped by mirror but not by store
    const store =
      scope.by.includes('mirror') && !scope.by.includes('store') ? `, max(store_id) AS "storeId"` : '';
    return this.db.rows<CounterRow>(
      `SELECT ${select ? `${select}, ` : ''}${store ? `${store.slice(2)}, ` : ''}
              sum(sessions_started)::int AS "sessionsStarted", sum(sessions_with_qr)::int AS "sessionsWithQr",
              sum(sessions_ended)::int AS "sessionsEnded", sum(scans_session)::int AS "scansSession",
              sum(scans_permanent)::int AS "scansPermanent", sum(scans_product)::int AS "scansProduct",
              sum(new_followers)::int AS "newFollowers", sum(unsubscribed_within_7d)::int AS "unsubscribedWithin7Days",
              sum(claims)::int AS claims, sum(confirmations)::int AS confirmations,
              sum(photos_taken)::int AS "photosTaken",
              sum(photos_deleted_by_customers)::int AS "photosDeletedByCustomers"
         FROM stats_mirror_days WHERE ${where} ${groupBy}`,
      params,
    );
  }

  /**
   * From the smallest table that answers: the chain's sums per day when neither a store nor a mirror is asked
   * about, else the stores', else the mirrors'.
   */
  durations(scope: StatsScope): Promise<DurationRow[]> {
    if (scope.by.length === 1 && scope.by[0] === 'mirror' && !scope.storeIds && !scope.mirrorId) {
      return this.durationsByMirror(scope);
    }
    const perMirror = Boolean(scope.mirrorId) || scope.by.includes('mirror');
    const perStore = Boolean(scope.storeIds) || scope.by.includes('store');
    const table = perMirror
      ? 'stats_mirror_day_durations'
      : perStore
        ? 'stats_store_day_durations'
        : 'stats_chain_day_durations';
    const { where, params, select, groupBy } = this.parts(scope);
    return this.db.rows<DurationRow>(
      `SELECT ${select}${select ? ',' : ''} metric, bucket, sum(n)::int AS n
         FROM ${table} WHERE ${where}
        ${groupBy ? `${groupBy}, metric, bucket` : 'GROUP BY metric, bucket'}`,
      params,
    );
  }

  /**
   * Every mirror over a range: the full weeks (Monday to Sunday) inside it from the weekly sums, the days
   * before and after them from the daily rows.
   */
  private durationsByMirror(scope: StatsScope): Promise<DurationRow[]> {
    const { from: weeksFrom, to: weeksTo } = fullWeeks(scope.from, scope.to);
    if (weeksFrom >= weeksTo) {
      return this.db.rows<DurationRow>(
        `SELECT mirror_id AS "mirrorId", metric, bucket, sum(n)::int AS n FROM stats_mirror_day_durations
          WHERE day BETWEEN $1::date AND $2::date GROUP BY mirror_id, metric, bucket`,
        [scope.from, scope.to],
      );
    }
    return this.db.rows<DurationRow>(
      `SELECT x.mirror_id AS "mirrorId", x.metric, x.bucket, sum(x.n)::int AS n
         FROM (
           SELECT mirror_id, metric, bucket, n FROM stats_mirror_week_durations
            WHERE week >= $3::date AND week < $4::date
           UNION ALL
           SELECT mirror_id, metric, bucket, n FROM stats_mirror_day_durations
            WHERE (day >= $1::date AND day < $3::date) OR (day >= $4::date AND day <= $2::date)
         ) x
        GROUP BY x.mirror_id, x.metric, x.bucket`,
      [scope.from, scope.to, weeksFrom, weeksTo],
    );
  }

  private parts(scope: StatsScope) {
    const params: unknown[] = [scope.from, scope.to];
    const where = ['day BETWEEN $1::date AND $2::date'];
    if (scope.storeIds) {
      params.push(scope.storeIds);
      where.push(`store_id = ANY($${params.length}::varchar[])`);
    }
    if (scope.mirrorId) {
      params.push(scope.mirrorId);
      where.push(`mirror_id = $${params.length}`);
    }
    return {
      params,
      where: where.join(' AND '),
      select: scope.by.map((g) => GROUP_COLUMNS[g]).join(', '),
      groupBy: scope.by.length ? `GROUP BY ${scope.by.map((g) => GROUP_BY[g]).join(', ')}` : '',
    };
  }
}
