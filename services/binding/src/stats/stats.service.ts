import { Inject, Injectable } from '@nestjs/common';
import type { StatsGetRequest, StatsGetResponse, StatsMetrics, StatsRow } from '@mirror/contracts';
import { addToHistogram, histogramCount, percentile, type Histogram } from './histogram';
import {
  StatsQueryRepository,
  type CounterRow,
  type StatsGroupKey,
  type StatsScope,
} from './stats-query.repository';
import { StatsRepository, type DirtyRange } from './stats.repository';
import { STATS_SETTINGS, type StatsSettings } from './stats.settings';

/** At most this many batches are recomputed before an answer (the refresher does the rest). */
const MAX_BATCHES_BEFORE_ANSWER = 20;

interface Group {
  key: StatsGroupKey;
  counters?: CounterRow;
  session: Histogram;
  qrToScan: Histogram;
}

/** Channel statistics: kept current from the source tables, answered per scope and grouping. */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly query: StatsQueryRepository,
    @Inject(STATS_SETTINGS) private readonly settings: StatsSettings,
  ) {}

  /** Recomputes changed (mirror, day) pairs, a batch at a time; returns how many. */
  async refresh(range?: DirtyRange, maxBatches = Number.POSITIVE_INFINITY): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.stats.refreshDirty(this.settings.refreshBatch, range);
      total += n;
      if (n < this.settings.refreshBatch) break;
    }
    return total;
  }

  /** The statistics of `request`'s scope, current as of the answer (changes in its range are recomputed first). */
  async get(request: StatsGetRequest): Promise<StatsGetResponse> {
    const scope: StatsScope = {
      from: request.from,
      to: request.to,
      storeIds: request.storeIds,
      mirrorId: request.mirrorId,
      by: [...new Set(request.by)],
    };
    if (await this.stats.hasDirty(scope)) await this.refresh(scope, MAX_BATCHES_BEFORE_ANSWER);
    const [counters, durations] = await this.query.read(scope);
    const groups = new Map<string, Group>();
    const group = (key: StatsGroupKey) => {
      const id = `${key.day ?? ''}|${key.storeId ?? ''}|${key.mirrorId ?? ''}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key, session: new Map(), qrToScan: new Map() }));
      return g;
    };
    for (const row of counters) group(keyOf(row, scope)).counters = row;
    const allSession: Histogram = new Map();
    const allQrToScan: Histogram = new Map();
    for (const row of durations) {
      const g = group(keyOf(row, scope));
      addToHistogram(row.metric === 'session' ? g.session : g.qrToScan, row.bucket, row.n);
      addToHistogram(row.metric === 'session' ? allSession : allQrToScan, row.bucket, row.n);
    }
    const rows: StatsRow[] = scope.by.length
      ? [...groups.values()]
          .map((g) => ({
            ...displayKey(g.key, scope, g.counters),
            metrics: metrics(g.counters, g.session, g.qrToScan),
          }))
          .sort(byKey)
      : [];
    return {
      from: scope.from,
      to: scope.to,
      timeZone: 'Asia/Shanghai',
      total: metrics(sumCounters(counters), allSession, allQrToScan),
      rows,
    };
  }
}

function keyOf(row: StatsGroupKey, scope: StatsScope): StatsGroupKey {
  return {
    day: scope.by.includes('day') ? row.day : undefined,
    mirrorId: scope.by.includes('mirror') ? row.mirrorId : undefined,
    storeId: scope.by.includes('store') ? row.storeId : undefined,
  };
}

/** The row's key; a mirror's row also names its store. */
function displayKey(key: StatsGroupKey, scope: StatsScope, counters?: CounterRow): StatsGroupKey {
  const out: StatsGroupKey = {};
  if (scope.by.includes('day')) out.day = key.day;
  if (scope.by.includes('store')) out.storeId = key.storeId ?? null;
  else if (scope.by.includes('mirror')) out.storeId = counters?.storeId ?? null;
  if (scope.by.includes('mirror')) out.mirrorId = key.mirrorId?.startsWith('@') ? null : key.mirrorId;
  return out;
}

function byKey(a: StatsGroupKey, b: StatsGroupKey): number {
  const k = (x: StatsGroupKey) => `${x.day ?? ''}\u0000${x.storeId ?? ''}\u0000${x.mirrorId ?? ''}`;
  return k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
}

const COUNTER_FIELDS = [
  'sessionsStarted',
  'sessionsWithQr',
  'sessionsEnded',
  'scansSession',
  'scansPermanent',
  'scansProduct',
  'newFollowers',
  'unsubscribedWithin7Days',
  'claims',
  'confirmations',
  'photosTaken',
  'photosDeletedByCustomers',
] as const;

function sumCounters(rows: CounterRow[]): CounterRow {
  const total = Object.fromEntries(COUNTER_FIELDS.map((f) => [f, 0])) as unknown as CounterRow;
  for (const row of rows) for (const f of COUNTER_FIELDS) total[f] += row[f] ?? 0;
  return total;
}

function metrics(c: CounterRow | undefined, session: Histogram, qrToScan: Histogram): StatsMetrics {
  const n = (v: number | undefined | null) => v ?? 0;
  return {
    sessionsStarted: n(c?.sessionsStarted),
    sessionsWithQr: n(c?.sessionsWithQr),
    sessionsEnded: n(c?.sessionsEnded),
    sessionLengthP50Seconds: percentile(session, 0.5),
    scans: { session: n(c?.scansSession), permanent: n(c?.scansPermanent), product: n(c?.scansProduct) },
    newFollowers: n(c?.newFollowers),
    unsubscribedWithin7Days: n(c?.unsubscribedWithin7Days),
    claims: n(c?.claims),
    confirmations: n(c?.confirmations),
    photosTaken: n(c?.photosTaken),
    photosDeletedByCustomers: n(c?.photosDeletedByCustomers),
    qrToScanCount: histogramCount(qrToScan),
    qrToScanP50Seconds: percentile(qrToScan, 0.5),
    qrToScanP90Seconds: percentile(qrToScan, 0.9),
  };
}
