/** A histogram of whole-second durations: bucket (its lower bound, seconds) → count. */
export type Histogram = Map<number, number>;

/** Adds `n` observations in `bucket` to `h`. */
export function addToHistogram(h: Histogram, bucket: number, n: number): void {
  h.set(bucket, (h.get(bucket) ?? 0) + n);
}

/** The number of observations in `h`. */
export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/**
 * The nearest-rank percentile `p` (0 < p ≤ 1) of `h`: the bucket holding the ⌈p·N⌉-th smallest
 * observation, null when `h` is empty. Buckets are exact seconds below a minute (the stats_bucket SQL
 * function of the ChannelStatistics migration), so below a minute this is the exact nearest-rank value.
 */
export function percentile(h: Histogram, p: number): number | null {
  const total = histogramCount(h);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(bucket)!;
    if (seen >= rank) return bucket;
  }
  return null;
}
