import type { StatsMetrics } from '@mirror/contracts';
import { statsCsv } from '../../src/console/csv';

const metrics = (sessionsStarted: number): StatsMetrics => ({
  sessionsStarted,
  sessionsWithQr: 1,
  sessionsEnded: 1,
  sessionLengthP50Seconds: 90,
  scans: { session: 2, permanent: 1, product: 0 },
  newFollowers: 1,
  unsubscribedWithin7Days: 0,
  claims: 1,
  confirmations: 1,
  photosTaken: 3,
  photosDeletedByCustomers: 0,
  qrToScanCount: 1,
  qrToScanP50Seconds: null,
  qrToScanP90Seconds: null,
});

describe('statistics CSV', () => {
  it('has a BOM, a header of the row keys and metrics, one line per row, empty cells for no value', () => {
    const csv = statsCsv({
      from: '2026-05-01',
      to: '2026-05-02',
      timeZone: 'Asia/Shanghai',
      total: metrics(5),
      rows: [
        { day: '2026-05-01', storeId: 'store-a', metrics: metrics(2) },
        { day: '2026-05-02', storeId: '=cmd', metrics: metrics(3) },
      ],
    });
    const lines = csv
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(lines[0]).toBe(
      'day,storeId,sessionsStarted,sessionsWithQr,scansSession,scansPermanent,scansProduct,newFollowers,unsubscribedWithin7Days,claims,confirmations,photosTaken,photosDeletedByCustomers,sessionLengthP50Seconds,qrToScanP50Seconds,qrToScanP90Seconds',
    );
    expect(lines[1]).toBe('2026-05-01,store-a,2,1,2,1,0,1,0,1,1,3,0,90,,');
    // a cell a spreadsheet would run as a formula is quoted as text
    expect(lines[2].split(',')[1]).toBe("'=cmd");
  });

  it('gives the total as its one line when nothing is grouped', () => {
    const lines = statsCsv({ from: 'a', to: 'b', timeZone: 'Asia/Shanghai', total: metrics(7), rows: [] })
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1].startsWith('7,')).toBe(true);
  });
});
