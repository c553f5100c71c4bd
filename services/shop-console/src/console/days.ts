const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Asia/Shanghai (the statistics' days), `YYYY-MM-DD`, `offset` days earlier. */
export function shanghaiDay(nowMs: number, offset = 0): string {
  return new Date(nowMs + 8 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` from a query string, else `fallback`. */
export function dayParam(value: unknown, fallback: string): string {
  return typeof value === 'string' && DAY.test(value) ? value : fallback;
}
