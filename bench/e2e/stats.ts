/** Percentile of a sample, ms. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '-');

/** Fires `run` at a fixed rate for `seconds` (open loop: a slow answer does not slow the senders). */
export async function atRate(
  ratePerSecond: number,
  seconds: number,
  run: (i: number) => Promise<void>,
): Promise<void> {
  const total = Math.round(ratePerSecond * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(run(i));
  }
  await Promise.all(inFlight);
}
