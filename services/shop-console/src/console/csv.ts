import type { StatsGetResponse } from '@mirror/contracts';
import { METRICS } from './pages';

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // a leading = + - @ would be a formula in a spreadsheet
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The statistics as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese headers). */
export function statsCsv(stats: StatsGetResponse): string {
  const keys: ('day' | 'storeId' | 'mirrorId')[] = ['day', 'storeId', 'mirrorId'];
  const present = keys.filter((k) => stats.rows.some((r) => r[k] !== undefined));
  const header = [...present, ...METRICS.map((m) => m.key)];
  const lines = [header.join(',')];
  const rows = stats.rows.length ? stats.rows : [{ metrics: stats.total }];
  for (const r of rows) {
    lines.push(
      [
        ...present.map((k) => cell((r as Record<string, unknown>)[k])),
        ...METRICS.map((m) => cell(m.get(r.metrics))),
      ].join(','),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
