import { Injectable } from '@nestjs/common';
import type { StatsGrouping } from '@mirror/contracts';
import { DatabaseRepository } from '../database/database.repository';

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
