import type { CounterRow, DurationRow, StatsQueryRepository } from '../../src/stats/stats-query.repository';
import type { StatsRepository } from '../../src/stats/stats.repository';
import { StatsService } from '../../src/stats/stats.service';

const counters = (over: Partial<CounterRow>): CounterRow => ({
  sessionsStarted: 0,
  sessionsWithQr: 0,
  sessionsEnded: 0,
  scansSession: 0,
  scansPermanent: 0,
  scansProduct: 0,
  newFollowers: 0,
  unsubscribedWithin7Days: 0,
  claims: 0,
  confirmations: 0,
  photosTaken: 0,
  photosDeletedByCustomers: 0,
  ...over,
});

function build(rows: { counters: CounterRow[]; durations: DurationRow[] }, dirtyBatches: number[] = []) {
  const refreshed: number[] = [];
  const stats = {
    hasDirty: async () => dirtyBatches.length > 0,
    refreshDirty: async (limit: number) => {
      const n = dirtyBatches.shift() ?? 0;
      refreshed.push(n);
      return Math.min(n, limit);
    },
  } as unknown as StatsRepository;
  const query = { read: async () => [rows.counters, rows.durations] } as unknown as StatsQueryRepository;
  return { sut: new StatsService(stats, query, { refreshIntervalMs: 1000, refreshBatch: 10 }), refreshed };
}

describe(StatsService.name, () => {
  it("groups by mirror with each mirror's store, shows store-only sources without a mirror (first in their store), and merges the percentiles of all groups into the total", async () => {
    const { sut } = build({
      counters: [
        counters({ mirrorId: 'm-1', storeId: 's-1', sessionsStarted: 2, scansSession: 1 }),
        counters({ mirrorId: '@s-1', storeId: 's-1', scansProduct: 1 }),
        counters({ mirrorId: 'm-2', storeId: 's-2', sessionsStarted: 1, scansPermanent: 2 }),
      ],
      durations: [
        { mirrorId: 'm-1', metric: 'qr_to_scan', bucket: 5, n: 1 },
        { mirrorId: 'm-1', metric: 'session', bucket: 300, n: 2 },
        { mirrorId: 'm-2', metric: 'qr_to_scan', bucket: 40, n: 2 },
        { mirrorId: 'm-2', metric: 'session', bucket: 60, n: 1 },
      ],
    });
    const answer = await sut.get({ v: 1, from: '2026-05-01', to: '2026-05-01', by: ['mirror'] });
    expect(answer.rows.map((r) => [r.mirrorId, r.storeId])).toEqual([
      [null, 's-1'],
      ['m-1', 's-1'],
      ['m-2', 's-2'],
    ]);
    expect(answer.rows[1].metrics).toMatchObject({ sessionLengthP50Seconds: 300, qrToScanP50Seconds: 5 });
    expect(answer.rows[0].metrics).toMatchObject({ scans: { session: 0, permanent: 0, product: 1 } });
    expect(answer.total).toMatchObject({
      sessionsStarted: 3,
      scans: { session: 1, permanent: 2, product: 1 },
      // sessions 60, 300, 300: median 300; scans shown→scanned 5, 40, 40: p50 40, p90 40
      sessionLengthP50Seconds: 300,
      qrToScanCount: 3,
      qrToScanP50Seconds: 40,
      qrToScanP90Seconds: 40,
    });
  });

  it('answers zeros and no percentiles for a range without data, and no rows when nothing is grouped', async () => {
    const { sut } = build({ counters: [], durations: [] });
    const answer = await sut.get({ v: 1, from: '2026-05-01', to: '2026-05-07', by: [] });
    expect(answer.rows).toEqual([]);
    expect(answer.total).toMatchObject({
      sessionsStarted: 0,
      sessionLengthP50Seconds: null,
      qrToScanP90Seconds: null,
    });
    expect(answer.timeZone).toBe('Asia/Shanghai');
  });

  it('recomputes what changed in the range before answering, batch after batch until one is not full', async () => {
    const { sut, refreshed } = build({ counters: [], durations: [] }, [10, 10, 3]);
    await sut.get({ v: 1, from: '2026-05-01', to: '2026-05-01', by: [] });
    expect(refreshed).toEqual([10, 10, 3]);
  });
});
