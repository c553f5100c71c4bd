/** The Monday of a day's week (`YYYY-MM-DD` in, out), as Postgres' date_trunc('week', …) counts. */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** `day` moved by `days` (`YYYY-MM-DD`). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

/**
 * The whole weeks inside `from`..`to` (days, inclusive): Mondays `from` (the first on or after `from`) up
 * to `to` (exclusive: the Monday after the last whole week). `from >= to` when there is none.
 */
export function fullWeeks(from: string, to: string): { from: string; to: string } {
  const first = mondayOf(from) === from ? from : addDays(mondayOf(from), 7);
  return { from: first, to: mondayOf(addDays(to, 1)) };
}
